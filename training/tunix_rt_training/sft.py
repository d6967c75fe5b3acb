"""``tunix-rt-train sft``: supervised fine-tuning with Tunix's ``PeftTrainer``.

What a run does, in order: resolve the run directory (an existing one is resumed), load the
``tunix_sft`` records, build or load the tokenizer, tokenise with the loss on the completion,
pack rows, build the model (preset, local weights, LoRA) under a ``(fsdp, tp)`` mesh, and train
with ``PeftTrainer``: full fine-tune, or only the LoRA adapters when the model has them.

Per step, hooks append to ``metrics.jsonl`` (once per step: the trainer reports the final step
again when it closes), print a line every ``training.log_every`` steps, and queue the metrics
for the API. Orbax checkpoints go to ``checkpoints/`` every ``training.checkpoint_every``
steps and at the end.

Ctrl-C asks the run to stop after the current step: the trainer closes (the last step's
metrics and a checkpoint are written), the run is marked ``cancelled`` and the command exits
130. A crash saves what it can, marks the run ``failed`` with the error and re-raises. Running
the same command again with the same ``output.dir`` resumes from the last checkpoint, with the
same data order as an uninterrupted run.
"""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

import numpy as np
import optax
import orbax.checkpoint as ocp
from tqdm import tqdm
from tunix.sft import hooks as tunix_hooks
from tunix.sft import peft_trainer

from tunix_rt_training import data as data_lib
from tunix_rt_training import model as model_lib
from tunix_rt_training import runs
from tunix_rt_training.config import Config
from tunix_rt_training.reporting import ApiError, Reporter

log = logging.getLogger(__name__)

DEFAULT_RUNS_DIR = Path("artifacts") / "training_runs"
METRICS_FLUSH_S = 30.0  # slow steps still stream: post at least this often


class Interrupted(Exception):
    """The run was asked to stop (Ctrl-C); a checkpoint was written."""


class _StopRequested(Exception):
    pass


@dataclass(frozen=True, slots=True)
class StepMetrics:
    step: int
    loss: float
    learning_rate: float
    tokens_per_second: float
    elapsed_s: float

    def as_row(self) -> dict[str, float | int]:
        return {
            "step": self.step,
            "loss": self.loss,
            "learning_rate": self.learning_rate,
            "tokens_per_second": self.tokens_per_second,
            "elapsed_s": self.elapsed_s,
        }


@dataclass(frozen=True, slots=True)
class SftResult:
    run_dir: Path
    run_id: str
    api_run_id: str | None
    status: str
    start_step: int
    final_step: int
    metrics: list[dict[str, Any]]
    model: Any
    tokenizer: Any


StepCallback = Callable[[StepMetrics], None]


# --------------------------------------------------------------------------- optimizer


def learning_rate_schedule(config: Config) -> optax.Schedule:
    training = config.training
    peak, warmup, total = training.learning_rate, training.warmup_steps, training.max_steps
    decay_steps = max(1, total - warmup)
    if training.lr_schedule == "constant":
        after: optax.Schedule = optax.constant_schedule(peak)
    elif training.lr_schedule == "cosine":
        after = optax.cosine_decay_schedule(peak, decay_steps)
    else:
        after = optax.linear_schedule(peak, 0.0, decay_steps)
    if warmup == 0:
        return after
    return optax.join_schedules([optax.linear_schedule(0.0, peak, warmup), after], [warmup])


def make_optimizer(config: Config, schedule: optax.Schedule) -> optax.GradientTransformation:
    parts = []
    if config.training.grad_clip is not None:
        parts.append(optax.clip_by_global_norm(config.training.grad_clip))
    parts.append(optax.adamw(schedule, weight_decay=config.training.weight_decay))
    return optax.chain(*parts)


# --------------------------------------------------------------------------- hooks


class _TokenCounter:
    """Wraps the batch stream, remembering each batch's real-token count by batch index (the
    trainer skips already-trained batches on resume, so indices stay global)."""

    def __init__(self, stream: data_lib.BatchStream) -> None:
        self._stream = stream
        self.counts: dict[int, int] = {}

    def __iter__(self) -> Iterator[data_lib.Batch]:
        for index, batch in enumerate(self._stream):
            self.counts[index] = data_lib.batch_real_tokens(batch)
            if len(self.counts) > 4096:
                for old in sorted(self.counts)[:2048]:
                    del self.counts[old]
            yield batch

    def step_tokens(self, step: int, accumulation: int) -> int:
        first = (step - 1) * accumulation
        return sum(self.counts.get(first + i, 0) for i in range(accumulation))


class RunHooks(tunix_hooks.TrainingHooks):  # type: ignore[misc]
    """metrics.jsonl, console lines, API metrics, and the Ctrl-C stop point."""

    def __init__(
        self,
        *,
        config: Config,
        metrics_file: TextIO,
        seen_steps: set[int],
        schedule: optax.Schedule,
        tokens: _TokenCounter,
        elapsed_offset: float,
        reporter: Reporter | None,
        api_run_id: str | None,
        callback: StepCallback | None,
    ) -> None:
        self.config = config
        self.metrics_file = metrics_file
        self.seen = seen_steps
        # The whole schedule, computed once: evaluating it per step would queue a device
        # computation behind the running train step and stall the pipeline while it waits.
        self.learning_rates = np.asarray(schedule(np.arange(config.training.max_steps)))
        self.tokens = tokens
        self.elapsed_offset = elapsed_offset
        self.reporter = reporter
        self.api_run_id = api_run_id
        self.callback = callback
        self.stop_requested = False
        self.deferred_error: Exception | None = None
        self._start = time.perf_counter()
        self._last = self._start
        self._last_flush = self._start

    def on_train_start(self, train_ctx: Any) -> None:
        self._start = self._last = time.perf_counter()

    def on_train_end(self, train_ctx: Any) -> None:
        pass

    def on_train_step_start(self, train_ctx: Any) -> None:
        # The stop point: the previous step is complete and nothing of the next one has run.
        if self.stop_requested:
            raise _StopRequested

    def on_eval_step_start(self, train_ctx: Any) -> None:
        pass

    def on_eval_step_end(self, train_ctx: Any, eval_loss: float) -> None:
        pass

    def on_train_step_end(self, train_ctx: Any, train_step: int, train_loss: float) -> None:
        # Tunix calls this in the middle of its own bookkeeping: an exception here would leave
        # the trainer's metric buffers half-updated. Defer it to the next stop point instead.
        try:
            self._record(int(train_step), train_loss)
        except Exception as exc:
            self.deferred_error = exc
            self.stop_requested = True

    def _record(self, step: int, train_loss: float) -> None:
        if step in self.seen:
            return
        self.seen.add(step)
        now = time.perf_counter()
        accumulation = self.config.training.gradient_accumulation_steps
        duration = max(now - self._last, 1e-9)
        self._last = now
        metrics = StepMetrics(
            step=step,
            loss=float(np.asarray(train_loss)),
            learning_rate=float(self.learning_rates[min(step, len(self.learning_rates)) - 1]),
            tokens_per_second=round(self.tokens.step_tokens(step, accumulation) / duration, 2),
            elapsed_s=round(self.elapsed_offset + now - self._start, 4),
        )
        self.metrics_file.write(json.dumps(metrics.as_row()) + "\n")
        self.metrics_file.flush()
        max_steps = self.config.training.max_steps
        if step % self.config.training.log_every == 0 or step == max_steps or step == 1:
            tqdm.write(
                f"step {step}/{max_steps}  loss {metrics.loss:.4f}  "
                f"lr {metrics.learning_rate:.3g}  {metrics.tokens_per_second:.0f} tok/s  "
                f"{metrics.elapsed_s:.1f}s",
                file=sys.stderr,
            )
        if self.reporter is not None and self.api_run_id is not None:
            values = {
                "loss": metrics.loss,
                "learning_rate": metrics.learning_rate,
                "tokens_per_second": metrics.tokens_per_second,
            }
            self.reporter.queue_metrics(step, values, runs.utc_now())
            due = now - self._last_flush >= METRICS_FLUSH_S
            if step % self.config.api.metrics_batch_steps == 0 or due:
                self.reporter.flush_metrics(self.api_run_id)
                self._last_flush = now
        if self.callback is not None:
            self.callback(metrics)


class _SigintGuard:
    """First Ctrl-C: stop after the current step. Second: the default (immediate) behaviour."""

    def __init__(self, hooks: RunHooks) -> None:
        self.hooks = hooks
        self._previous: Any = None

    def __enter__(self) -> _SigintGuard:
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


# --------------------------------------------------------------------------- run


def _run_dir(config: Config) -> tuple[Path, str]:
    if config.output.dir is not None:
        run_dir = config.output.dir
        return run_dir, run_dir.name
    run_id = runs.new_id("sft")
    return DEFAULT_RUNS_DIR / run_id, run_id


def _artifacts(run_dir: Path) -> dict[str, Any]:
    root = run_dir.resolve()
    return {
        "output_dir": str(root),
        "checkpoints": str(root / runs.CHECKPOINTS),
        "manifest": str(root / runs.MANIFEST),
        "metrics": str(root / runs.METRICS),
    }


def _base_model_name(config: Config) -> str:
    if config.model.weights_dir is not None:
        return f"{config.model.preset}:{config.model.weights_dir}"
    return config.model.preset


def run_sft(config: Config, *, step_callback: StepCallback | None = None) -> SftResult:
    """Train as configured; see the module docstring. Raises :class:`Interrupted` after a
    Ctrl-C (with a checkpoint written) and re-raises any crash (after marking the run)."""
    run_dir, run_id = _run_dir(config)
    manifest_path = run_dir / runs.MANIFEST
    previous: dict[str, Any] | None = None
    if manifest_path.exists():
        previous = runs.read_json(manifest_path)
        conflicts = runs.resume_conflicts(previous.get("config", {}), config.resolved())
        if conflicts:
            raise runs.RunError(
                f"{run_dir} holds a run made with a different config, so it cannot resume:\n  "
                + "\n  ".join(conflicts)
                + "\nUse another output.dir, or the same settings."
            )
        run_id = str(previous.get("run_id", run_id))
    run_dir.mkdir(parents=True, exist_ok=True)

    reporter = Reporter(config.api) if config.api.url else None
    try:
        return _run(config, run_dir, run_id, previous, reporter, step_callback)
    finally:
        if reporter is not None:
            reporter.close()


def _run(
    config: Config,
    run_dir: Path,
    run_id: str,
    previous: dict[str, Any] | None,
    reporter: Reporter | None,
    step_callback: StepCallback | None,
) -> SftResult:
    import jax

    loaded = runs.load_data(config, reporter)
    if previous is not None and previous.get("dataset_checksum") not in (None, loaded.checksum):
        raise runs.RunError(
            f"{run_dir} was trained on data with checksum {previous['dataset_checksum']}, "
            f"but {loaded.source} now has {loaded.checksum}: resuming would mix datasets. "
            "Use another output.dir."
        )
    tokenizer, tokenizer_info = runs.resolve_tokenizer(config, run_dir, loaded.records)
    examples, dropped = data_lib.tokenize_records(
        tokenizer, loaded.records, config.training.seq_len
    )
    rows = data_lib.build_rows(
        examples, config.training.seq_len, tokenizer.pad_id(), config.data.packing
    )
    stream = data_lib.BatchStream(
        rows, config.training.batch_size, config.training.seed, config.data.shuffle
    )
    counter = _TokenCounter(stream)

    mesh = model_lib.make_mesh(config.mesh)
    spec = model_lib.model_spec(config, vocab_size=tokenizer.vocab_size())
    if tokenizer.vocab_size() > spec.vocab_size:
        raise model_lib.ModelError(
            f"the tokenizer has {tokenizer.vocab_size()} ids but the model embeds only "
            f"{spec.vocab_size}: use the model's own tokenizer.model"
        )
    model = model_lib.build_model(config, spec, mesh)

    manifest: dict[str, Any] = dict(previous or {})
    manifest.update(
        run_id=run_id,
        kind="sft",
        status="running",
        config=config.resolved(),
        seed=config.training.seed,
        git_sha=runs.git_sha(),
        dataset_key=loaded.dataset_key,
        dataset_checksum=loaded.checksum,
        data_source=loaded.source,
        versions=runs.versions(),
        tokenizer=tokenizer_info,
        devices=[str(device) for device in jax.devices()[: np.prod(config.mesh.shape)]],
        data={
            "records": len(loaded.records),
            "examples": len(examples),
            "dropped_too_long": dropped,
            "rows": len(rows),
            "real_token_share": round(rows.fill, 4),
            "packing": config.data.packing,
        },
        model={
            "preset": config.model.preset,
            "family": spec.family,
            "lora": config.model.lora is not None,
            "parameters": model_lib.parameter_count(model),
            "trainable_parameters": model_lib.parameter_count(model, trainable_only=True),
        },
        artifacts=_artifacts(run_dir),
    )
    manifest.setdefault("created_at", runs.utc_now())
    manifest.setdefault("api_run_id", None)

    api_run_id: str | None = manifest["api_run_id"]
    finished_before = (
        previous is not None
        and previous.get("status") == "succeeded"
        and int(previous.get("final_step") or 0) >= config.training.max_steps
    )
    if finished_before:
        reporter = None  # nothing left to train; the server already has the finished run
    if reporter is not None:
        api_run_id = _register(reporter, config, manifest, loaded, run_id, api_run_id)
        manifest["api_run_id"] = api_run_id
        reporter.start_heartbeat(api_run_id)
    runs.write_json(run_dir / runs.MANIFEST, manifest)

    metrics_path = run_dir / runs.METRICS
    earlier = runs.read_jsonl(metrics_path)
    seen = {int(row["step"]) for row in earlier}
    elapsed_offset = max((float(row.get("elapsed_s", 0.0)) for row in earlier), default=0.0)
    schedule = learning_rate_schedule(config)
    training = config.training
    trainer_config = peft_trainer.TrainingConfig(
        eval_every_n_steps=training.max_steps + 1,
        max_steps=training.max_steps,
        gradient_accumulation_steps=(
            training.gradient_accumulation_steps
            if training.gradient_accumulation_steps > 1
            else None
        ),
        checkpoint_root_directory=str((run_dir / runs.CHECKPOINTS).resolve()),
        checkpointing_options=ocp.CheckpointManagerOptions(
            save_interval_steps=training.checkpoint_every,
            max_to_keep=training.keep_checkpoints,
        ),
        data_sharding_axis=("fsdp",),
        pbar_description=f"sft {run_id}",
    )

    error: str | None = None
    trainer: Any = None
    start_step = 0
    with metrics_path.open("a", encoding="utf-8") as metrics_file:
        hooks = RunHooks(
            config=config,
            metrics_file=metrics_file,
            seen_steps=seen,
            schedule=schedule,
            tokens=counter,
            elapsed_offset=elapsed_offset,
            reporter=reporter,
            api_run_id=api_run_id,
            callback=step_callback,
        )
        with mesh:
            try:
                # Creating the trainer restores the latest checkpoint of the run, if any.
                trainer = peft_trainer.PeftTrainer(
                    model, make_optimizer(config, schedule), trainer_config
                )
                trainer.with_gen_model_input_fn(model_lib.model_inputs)
                trainer.with_training_hooks(hooks)
                start_step = int(trainer.train_steps)
                if start_step:
                    tqdm.write(f"resuming {run_dir} from step {start_step}", file=sys.stderr)
                with _SigintGuard(hooks):
                    trainer.train(counter)
            except _StopRequested:
                trainer.close()
            except KeyboardInterrupt:
                # A second Ctrl-C: stop now. The step in flight may have half-updated the
                # state, so nothing is saved; the last periodic checkpoint stays the resume point.
                if trainer is not None:
                    with contextlib.suppress(Exception):
                        trainer.checkpoint_manager.close()  # let in-flight saves finish
                error = "aborted by a second Ctrl-C; running again resumes from the last checkpoint"
                _finish(manifest, run_dir, reporter, api_run_id, "cancelled", error, None)
                raise Interrupted(error) from None
            except BaseException as exc:
                error = f"{type(exc).__name__}: {exc}"
                if trainer is not None:
                    try:
                        trainer.close()
                    except Exception as close_exc:  # the crash may have left no usable state
                        log.warning("could not save a checkpoint after the crash: %s", close_exc)
                _finish(manifest, run_dir, reporter, api_run_id, "failed", error, trainer)
                raise
            deferred = hooks.deferred_error
            if deferred is not None:
                error = f"{type(deferred).__name__}: {deferred}"
                _finish(manifest, run_dir, reporter, api_run_id, "failed", error, trainer)
                raise deferred
            if hooks.stop_requested and trainer.train_steps < training.max_steps:
                status = "cancelled"
                error = (
                    f"interrupted after step {trainer.train_steps}; run the same command "
                    "again to resume"
                )
            else:
                status = "succeeded"
            final_step = int(trainer.train_steps)

    _finish(manifest, run_dir, reporter, api_run_id, status, error, trainer)
    if status == "cancelled":
        raise Interrupted(error)
    return SftResult(
        run_dir=run_dir,
        run_id=run_id,
        api_run_id=api_run_id,
        status=status,
        start_step=start_step,
        final_step=final_step,
        metrics=runs.read_jsonl(metrics_path),
        model=model,
        tokenizer=tokenizer,
    )


def _register(
    reporter: Reporter,
    config: Config,
    manifest: dict[str, Any],
    loaded: runs.LoadedData,
    run_id: str,
    api_run_id: str | None,
) -> str:
    """The run's server id: registered now, or (resuming) the one it has, set running again.
    A run the server already has as succeeded cannot change: training it further is a new run
    there, which records the run it continues."""
    if api_run_id is not None:
        try:
            reporter.update_run(api_run_id, status="running")
            return api_run_id
        except ApiError as exc:
            if exc.status != 409:
                raise
            log.info("the server's run %s is final; registering the continuation", api_run_id)
    artifacts = dict(manifest["artifacts"])
    if api_run_id is not None:
        artifacts["continues_run"] = api_run_id
    return reporter.create_run(
        kind="sft",
        name=config.run_name or run_id,
        dataset_key=loaded.dataset_key,
        base_model=_base_model_name(config),
        config=config.resolved(),
        seed=config.training.seed,
        git_sha=manifest["git_sha"],
        dataset_checksum=loaded.checksum,
        artifacts=artifacts,
    )


def _finish(
    manifest: dict[str, Any],
    run_dir: Path,
    reporter: Reporter | None,
    api_run_id: str | None,
    status: str,
    error: str | None,
    trainer: Any | None,
) -> None:
    rows = runs.read_jsonl(run_dir / runs.METRICS)
    checkpoint_root = run_dir / runs.CHECKPOINTS
    steps = (
        sorted(int(p.name) for p in checkpoint_root.iterdir() if p.name.isdigit())
        if checkpoint_root.exists()
        else []
    )
    # Without a trainer (an abort) the run stands where its last checkpoint is.
    final_step = int(trainer.train_steps) if trainer is not None else (steps[-1] if steps else 0)
    manifest.update(
        status=status,
        error=error,
        finished_at=runs.utc_now(),
        final_step=final_step,
        final_loss=rows[-1]["loss"] if rows else None,
        first_loss=rows[0]["loss"] if rows else None,
        checkpoint_steps=steps,
    )
    manifest["artifacts"] = {
        **manifest.get("artifacts", {}),
        "final_step": final_step,
        "checkpoint_steps": steps,
    }
    runs.write_json(run_dir / runs.MANIFEST, manifest)
    if reporter is not None and api_run_id is not None:
        reporter.stop_heartbeat()
        reporter.flush_metrics(api_run_id)
        summary = {
            key: manifest[key]
            for key in ("first_loss", "final_loss", "final_step")
            if manifest.get(key) is not None
        }
        try:
            reporter.update_run(
                api_run_id,
                status=status,
                error=error,
                artifacts=manifest["artifacts"],
                summary=summary,
            )
        except ApiError as exc:
            log.warning("could not mark run %s %s on the server: %s", api_run_id, status, exc)
