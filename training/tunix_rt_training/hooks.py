"""What every training run does around Tunix's trainer loop, for ``sft`` and ``grpo`` alike.

- :class:`StepLog`: one row per step in ``metrics.jsonl`` (written once: Tunix reports the final
  step again when the trainer closes), a console line every ``training.log_every`` steps, and
  the metrics queued for the server (posted every ``api.metrics_batch_steps`` steps, or at
  least every 30 s).
- :class:`HeldOutEvaluation`: every ``eval.every_steps`` (and before the first step and after
  the last) the model generates for the held-out records, greedy, and the contracts' scorers
  score the responses: ``eval/<scorer>`` rows in ``evals.jsonl``, the outputs of each
  evaluation in ``evals/step-NNNNNN.jsonl``, the metrics on the server.
- :class:`RunHooks`: Tunix's ``TrainingHooks`` calling both, and the stop point for Ctrl-C
  (:class:`SigintGuard`): the first Ctrl-C stops the run after the step in flight.

In a run over several processes only process 0 writes these files, prints and posts; every
process generates in the held-out evaluation (a computation over the whole mesh), and a stop
asked for on any of them stops them all after the same step.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from tqdm import tqdm
from tunix.sft import hooks as tunix_hooks

from tunix_rt_training import distributed, runs
from tunix_rt_training.config import Config
from tunix_rt_training.evaluate import Generator, evaluate_records, weighted_total
from tunix_rt_training.prompts import PromptRecord
from tunix_rt_training.reporting import Reporter

log = logging.getLogger(__name__)

METRICS_FLUSH_S = 30.0  # slow steps still stream: post at least this often
EVALS = "evals.jsonl"
EVAL_OUTPUTS_DIR = "evals"


@dataclass(frozen=True, slots=True)
class StepMetrics:
    """One step's row, as written to ``metrics.jsonl``."""

    step: int
    values: Mapping[str, float]

    @property
    def loss(self) -> float:
        return float(self.values["loss"])


StepCallback = Callable[[StepMetrics], None]


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 90:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 90:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def elapsed_and_left(step: int, max_steps: int, elapsed_s: float) -> str:
    """The end of a console line: the run's time so far and, until the last step, the time
    left at the run's mean pace so far (``"42.0s, ~1m20s left"``). On a terminal Tunix's own
    progress bar shows the same live; these lines are what a log file (CI, nohup) gets."""
    if step >= max_steps or step <= 0:
        return f"{elapsed_s:.1f}s"
    left = elapsed_s / step * (max_steps - step)
    return f"{elapsed_s:.1f}s, ~{_duration(left)} left"


StepValues = Callable[[int, float], dict[str, float]]
"""``(step, seconds the step took) -> the step's values`` (``loss`` and ``elapsed_s`` are
added)."""


class Interrupted(Exception):
    """The run was asked to stop (Ctrl-C); a checkpoint was written."""


class StopRequested(Exception):
    """Raised at the stop point after a Ctrl-C; the trainer is closed by the caller."""


class StepLog:
    """``metrics.jsonl``, console lines and the server's metrics for one run (process 0; the
    other processes keep their rows in :attr:`rows` only)."""

    def __init__(
        self,
        *,
        config: Config,
        run_dir: Path,
        reporter: Reporter | None,
        api_run_id: str | None,
        console: Callable[[int, Mapping[str, float]], str],
    ) -> None:
        self.config = config
        self.path = run_dir / runs.METRICS
        self.main = distributed.is_main()
        self.rows: list[dict[str, Any]] = []
        """The rows recorded by this invocation."""
        earlier = runs.read_jsonl(self.path) if self.main else []
        self.seen = {int(row["step"]) for row in earlier}
        self.elapsed_offset = max(
            (float(row.get("elapsed_s", 0.0)) for row in earlier), default=0.0
        )
        self.reporter = reporter
        self.api_run_id = api_run_id
        self.console = console
        self.start = time.perf_counter()
        self._last_flush = self.start
        self._file: TextIO | None = self.path.open("a", encoding="utf-8") if self.main else None

    def elapsed(self) -> float:
        return round(self.elapsed_offset + time.perf_counter() - self.start, 4)

    def record(self, step: int, values: Mapping[str, float]) -> bool:
        """Write step ``step`` (once); ``False`` when it was written already."""
        if step in self.seen:
            return False
        self.seen.add(step)
        row = {"step": step, **values}
        self.rows.append(row)
        if self._file is None:
            return True
        self._file.write(json.dumps(row) + "\n")
        self._file.flush()
        max_steps = self.config.training.max_steps
        if step % self.config.training.log_every == 0 or step in (1, max_steps):
            tqdm.write(self.console(step, values), file=sys.stderr)
        self.post(step, {k: v for k, v in values.items() if k != "elapsed_s"})
        return True

    def post(self, step: int, values: Mapping[str, float], *, flush: bool = False) -> None:
        """Queue metrics for the server; post every ``api.metrics_batch_steps`` steps, every
        30 s, or now with ``flush``."""
        if self.reporter is None or self.api_run_id is None:
            return
        self.reporter.queue_metrics(step, values, runs.utc_now())
        now = time.perf_counter()
        due = now - self._last_flush >= METRICS_FLUSH_S
        if flush or due or step % self.config.api.metrics_batch_steps == 0:
            self.reporter.flush_metrics(self.api_run_id)
            self._last_flush = now

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


class HeldOutEvaluation:
    """Greedy generation on the held-out records with the model being trained, scored."""

    def __init__(
        self,
        *,
        config: Config,
        run_dir: Path,
        records: Sequence[PromptRecord],
        generator: Generator,
        log: StepLog,
        weights: Mapping[str, float] | None = None,
    ) -> None:
        self.every = config.eval.every_steps or 0
        self.scorers = list(dict.fromkeys([*config.eval.scorers, *(weights or {})]))
        self.weights = dict(weights or {})
        self.records = list(records)
        self.generator = generator
        self.log = log
        self.path = run_dir / EVALS
        self.outputs_dir = run_dir / EVAL_OUTPUTS_DIR
        self.done = {int(row["step"]) for row in runs.read_jsonl(self.path)}
        self.spent: dict[int, float] = {}
        """Seconds each evaluation of this invocation took, by step."""
        self.notes: dict[int, dict[str, float]] = {}

    def note(self, step: int, values: Mapping[str, float]) -> None:
        """Values measured elsewhere for step ``step`` (SFT's validation loss), written with
        that step's evaluation."""
        self.notes.setdefault(step, {}).update(values)

    def due(self, step: int) -> bool:
        return self.every > 0 and step % self.every == 0 and step not in self.done

    def run(self, step: int) -> dict[str, float]:
        """Evaluate now as step ``step``: ``eval/<scorer>`` (and ``eval/reward`` when the run
        has rewards, their weighted sum) in ``evals.jsonl`` and on the server."""
        started = time.perf_counter()
        outputs, summary = evaluate_records(self.generator, self.records, self.scorers)
        values = {f"eval/{name}": summary[name] for name in self.scorers}
        if self.weights:
            totals = [weighted_total(o["scores"], self.weights) for o in outputs]
            values["eval/reward"] = round(sum(totals) / len(totals), 6)
        values.update(self.notes.pop(step, {}))
        row = {"step": step, **values, "count": len(outputs)}
        self.spent[step] = time.perf_counter() - started
        row["eval_s"] = round(self.spent[step], 3)
        self.done.add(step)
        if not self.log.main:
            return values
        self.outputs_dir.mkdir(parents=True, exist_ok=True)
        with (self.outputs_dir / f"step-{step:06d}.jsonl").open("w", encoding="utf-8") as handle:
            for output in outputs:
                handle.write(json.dumps(output) + "\n")
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(row) + "\n")
        tqdm.write(
            f"eval @ step {step}: "
            + "  ".join(f"{k.removeprefix('eval/')} {v:.3f}" for k, v in values.items())
            + f"  ({row['eval_s']:.1f}s, {len(outputs)} held-out)",
            file=sys.stderr,
        )
        self.log.post(step, values, flush=True)
        return values


class RunHooks(tunix_hooks.TrainingHooks):  # type: ignore[misc]
    """Tunix's per-step callbacks: the step log, held-out evaluation, the Ctrl-C stop point."""

    def __init__(
        self,
        *,
        log: StepLog,
        step_values: StepValues,
        evaluation: HeldOutEvaluation | None,
        eval_batches: int = 1,
        callback: StepCallback | None = None,
        time_from_train_start: bool = True,
    ) -> None:
        self.callback = callback
        # SFT times a step from the trainer's loop; GRPO's trainer loop is entered once per
        # step, after the rollouts, which are part of the step's time.
        self.time_from_train_start = time_from_train_start
        self.log = log
        self.eval_batches = max(1, eval_batches)
        self.step_values = step_values
        self.evaluation = evaluation
        self.stop_requested = False
        self.deferred_error: Exception | None = None
        self._last = time.perf_counter()

    def on_train_start(self, train_ctx: Any) -> None:
        if self.time_from_train_start:
            self._last = time.perf_counter()

    def on_train_end(self, train_ctx: Any) -> None:
        pass

    def on_train_step_start(self, train_ctx: Any) -> None:
        # The stop point: the previous step is complete and nothing of the next one has run.
        # Every process stops here at the same step, whichever of them was asked to.
        if distributed.any_process(self.stop_requested):
            self.stop_requested = True
            raise StopRequested
        step = int(train_ctx.train_steps)
        if self.evaluation is not None and self.evaluation.due(step):
            started = time.perf_counter()
            self._guarded(lambda: self.evaluation.run(step) if self.evaluation else None)
            # Evaluation time is not the step's. (Shifted, not reset: JAX dispatches steps
            # ahead of their results, so the next step's hook can come right after this.)
            self._last += time.perf_counter() - started

    def on_eval_step_start(self, train_ctx: Any) -> None:
        pass

    def on_eval_step_end(self, train_ctx: Any, eval_loss: float) -> None:
        # Tunix's validation loss (SFT; the sum over the held-out batches) comes just before
        # the evaluation of the same step.
        if self.evaluation is not None:
            loss = float(eval_loss) / self.eval_batches
            self.evaluation.note(int(train_ctx.train_steps), {"eval/loss": loss})

    def on_train_step_end(self, train_ctx: Any, train_step: int, train_loss: float) -> None:
        step = int(train_step)
        if step in self.log.seen:
            return
        now = time.perf_counter()
        duration = max(now - self._last, 1e-9)
        self._last = now

        def record() -> None:
            values = self.step_values(step, duration)
            values["loss"] = float(train_loss)
            values["elapsed_s"] = self.log.elapsed()
            if self.log.record(step, values) and self.callback is not None:
                self.callback(StepMetrics(step, values))

        self._guarded(record)

    def _guarded(self, work: Callable[[], object]) -> None:
        # Tunix calls hooks in the middle of its own bookkeeping: an exception here would leave
        # the trainer's metric buffers half-updated. Defer it to the next stop point instead.
        try:
            work()
        except Exception as exc:
            self.deferred_error = exc
            self.stop_requested = True


ABORTED = "aborted by a second Ctrl-C; running again resumes from the last checkpoint"


def train_guarded(
    hooks: RunHooks,
    *,
    train: Callable[[], None],
    close: Callable[[], None],
    abort: Callable[[str], None],
    fail: Callable[[str], None],
) -> None:
    """Run ``train`` under the Ctrl-C guard, the same way for every kind of run.

    - A first Ctrl-C stops at the next step: ``close`` (the trainer writes its last metrics and
      a checkpoint), then this returns; ``hooks.stop_requested`` says it was a stop.
    - A second Ctrl-C stops at once: the step in flight may have half-updated the state, so
      nothing is saved (the last periodic checkpoint stays the resume point): ``abort(error)``,
      then :class:`Interrupted`.
    - A crash, or an error deferred by a hook: ``close`` saves what it can, ``fail(error)``
      marks the run, and the error is raised again."""
    try:
        with SigintGuard(hooks):
            train()
    except StopRequested:
        close()
    except KeyboardInterrupt:
        abort(ABORTED)
        raise Interrupted(ABORTED) from None
    except BaseException as exc:
        try:
            close()
        except Exception as close_exc:  # the crash may have left no usable state
            log.warning("could not save a checkpoint after the crash: %s", close_exc)
        fail(f"{type(exc).__name__}: {exc}")
        raise
    deferred = hooks.deferred_error
    if deferred is not None:
        fail(f"{type(deferred).__name__}: {deferred}")
        raise deferred


class SigintGuard:
    """First Ctrl-C: stop after the current step. Second: the default (immediate) behaviour."""

    def __init__(self, hooks: RunHooks) -> None:
        self.hooks = hooks
        self._previous: Any = None

    def __enter__(self) -> SigintGuard:
        try:
            self._previous = signal.signal(signal.SIGINT, self._handle)
        except ValueError:  # not the main thread: leave signals alone
            self._previous = None
        return self

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.hooks.stop_requested:
            raise KeyboardInterrupt
        self.hooks.stop_requested = True
        tqdm.write("stopping after this step (Ctrl-C again to abort at once)", file=sys.stderr)

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
