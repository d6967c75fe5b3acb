"""``tunix-rt-train grpo``: reinforcement learning with Tunix's ``GRPOLearner``, rewarded by the
workbench's own scorers.

What a run does, in order:

1. The starting policy: with ``init.run_dir``, that run's latest checkpoint (an sft run, full or
   LoRA: adapters are folded into the weights), whose model and tokenizer the run then uses;
   without it, the configured base model. The reference model is the starting policy, kept
   fixed. With ``model.lora`` the run trains adapters on top of the policy (the reference then
   shares its backbone), else every weight.
2. The prompts: a ``prompt_only`` (or ``tunix_sft``) export, ``data.path`` or
   ``data.dataset_key`` from the server; prompts longer than ``rollout.max_prompt_length``
   tokens are left out (with a warning).
3. Tunix's ``RLCluster`` (actor, reference and rollout on the configured mesh, the vanilla
   rollout engine) and ``GRPOLearner`` with one reward function per scorer in ``rewards``
   (:mod:`tunix_rt_training.rewards`). Each step samples ``grpo.num_generations``
   completions for ``training.batch_size`` prompts (seeded by ``training.seed`` and the step),
   scores them, and updates the policy.

Per step ``metrics.jsonl`` gets loss, KL to the reference, learning rate, the mean reward per
scorer and in total, its spread, the share of groups with equal rewards (no learning signal),
the mean completion length and tokens/s. Every ``report.rollouts_every`` steps the step's
groups go to ``rollouts/step-NNNNNN.jsonl`` and, with ``api.url``, to the server, which stores
them as ``source="rollout"`` traces of the run. Held-out evaluation, checkpoints, Ctrl-C,
resume and crashes work as for ``sft`` (:mod:`tunix_rt_training.sft`), and so does a run over
several processes (``distributed.*``): every process samples and trains on the whole mesh,
process 0 alone writes the files and reports.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jax
import numpy as np
from tqdm import tqdm

from tunix_rt_training import distributed, lifecycle, loading, runs
from tunix_rt_training import model as model_lib
from tunix_rt_training.config import Config
from tunix_rt_training.data import DataError
from tunix_rt_training.evaluate import Generator
from tunix_rt_training.grpo_setup import (
    StartingPolicy,
    build_learner,
    console_line,
    effective_config,
    policies,
)
from tunix_rt_training.hooks import (
    HeldOutEvaluation,
    Interrupted,
    RunHooks,
    StepCallback,
    StepLog,
    StepMetrics,
    train_guarded,
)
from tunix_rt_training.loading import LoadedModel
from tunix_rt_training.prompts import PromptBatches, PromptRecord
from tunix_rt_training.reporting import Reporter
from tunix_rt_training.rewards import write_rollouts

log = logging.getLogger(__name__)

__all__ = ["GrpoResult", "Interrupted", "StepMetrics", "run_grpo"]


class StepClock:
    """A GRPO step's wall time: from handing out its batch (its rollouts start) to handing out
    the next one, less the held-out evaluation run in between (Tunix's trainer loop is entered
    after the rollouts, so its hooks cannot time a whole step)."""

    def __init__(self) -> None:
        self.starts: dict[int, float] = {}

    def started(self, index: int) -> None:
        self.starts[index] = time.perf_counter()

    def seconds(self, step: int, evaluations: Mapping[int, float]) -> float | None:
        start = self.starts.get(step - 1)
        if start is None:
            return None
        end = self.starts.get(step, time.perf_counter())
        # The evaluation of step k runs while step k + 1 is under way.
        return max(end - start - evaluations.get(step - 1, 0.0), 1e-9)


@dataclass(frozen=True, slots=True)
class GrpoResult:
    run_dir: Path
    run_id: str
    api_run_id: str | None
    status: str
    start_step: int
    final_step: int
    metrics: list[dict[str, Any]]
    model: Any
    tokenizer: Any


def run_grpo(config: Config, *, step_callback: StepCallback | None = None) -> GrpoResult:
    """Train as configured; see the module docstring. Raises :class:`Interrupted` after a
    Ctrl-C (with a checkpoint written) and re-raises any crash (after marking the run)."""
    distributed.initialize(config.distributed)
    config, parent = effective_config(config)
    run_dir, run_id, previous = lifecycle.open_run(config, "grpo")
    reporter = Reporter(config.api) if config.api.url else None
    try:
        mesh = model_lib.make_mesh(config.mesh)
        start = StartingPolicy.load(config, parent, run_dir, mesh, reporter)
        lifecycle.agree(config, start.train.checksum, start.held_out, start.tokenizer_info)
        reporting = reporter if distributed.is_main() else None  # only process 0 reports
        return _run(config, start, run_dir, run_id, previous, reporting, mesh, step_callback)
    finally:
        if reporter is not None:
            reporter.close()


def _fitting(records: list[PromptRecord], tokenizer: Any, limit: int) -> list[PromptRecord]:
    """The records whose prompt (with BOS) fits in ``rollout.max_prompt_length`` tokens."""
    kept = [r for r in records if len(tokenizer.encode(r.prompt)) + 1 <= limit]
    if not kept:
        raise DataError(f"no prompt fits rollout.max_prompt_length={limit} tokens; raise it")
    if len(kept) < len(records):
        log.warning(
            "left out %d of %d prompts longer than rollout.max_prompt_length=%d tokens",
            len(records) - len(kept),
            len(records),
            limit,
        )
    return kept


def _run(
    config: Config,
    start: StartingPolicy,
    run_dir: Path,
    run_id: str,
    previous: dict[str, Any] | None,
    reporter: Reporter | None,
    mesh: Any,
    step_callback: StepCallback | None,
) -> GrpoResult:
    training, rollout = config.training, config.rollout
    lifecycle.check_same_data(previous, start.train.checksum, start.train.source)
    tokenizer = start.tokenizer
    records = _fitting(start.train.records, tokenizer, rollout.max_prompt_length)

    actor, reference = policies(config, start, mesh)
    checkpoints = run_dir / runs.CHECKPOINTS
    manifest = _manifest(config, start, run_dir, run_id, previous, actor, len(records))
    api_run_id: str | None = manifest["api_run_id"]
    if lifecycle.finished_before(previous, training.max_steps):
        reporter = None
    if reporter is not None:
        api_run_id = lifecycle.register(
            reporter,
            kind="grpo",
            config=config,
            manifest=manifest,
            run_id=run_id,
            api_run_id=api_run_id,
            parent_run_id=start.parent_api_run_id,
        )
        manifest["api_run_id"] = api_run_id
        reporter.start_heartbeat(api_run_id)
    if distributed.is_main():
        runs.write_json(run_dir / runs.MANIFEST, manifest)
    distributed.check_shared(run_dir / runs.MANIFEST)

    clock = StepClock()
    schedule = lifecycle.learning_rate_schedule(config)
    rates = lifecycle.learning_rates(config, schedule)
    parts = build_learner(
        config,
        actor=actor,
        reference=reference,
        tokenizer=tokenizer,
        mesh=mesh,
        checkpoints=checkpoints,
        schedule=schedule,
        description=f"grpo {run_id}",
    )
    trainer, recorder = parts.cluster.actor_trainer, parts.recorder

    def seed_step(index: int) -> None:
        parts.seed_step(index)
        clock.started(index)

    step_log = StepLog(
        config=config,
        run_dir=run_dir,
        reporter=reporter,
        api_run_id=api_run_id,
        console=console_line(config),
    )

    def step_values(step: int, seconds: float) -> dict[str, float]:
        values: dict[str, float] = {"learning_rate": float(rates[min(step, len(rates)) - 1])}
        with contextlib.suppress(ValueError):  # no KL logged (beta = 0)
            history = trainer.metrics_logger.get_metric_history("actor", "kl", "train")
            values["kl"] = float(np.asarray(history)[-1])
        record = recorder.pop(step)
        if record is None:
            return values
        values.update(record.values())
        spent = evaluation.spent if evaluation is not None else {}
        step_s = clock.seconds(step, spent)
        if step_s is not None:  # unknown for the first step after a resume
            values["tokens_per_second"] = round(record.tokens / step_s, 2)
            values["step_s"] = round(step_s, 4)
        if record.report and step_log.main:
            write_rollouts(run_dir, step, record.report)
            if reporter is not None and api_run_id is not None:
                reporter.queue_rollouts(step, recorder.report_body(record))
                reporter.flush_rollouts(api_run_id)
        return values

    evaluation = None
    if start.held_out is not None:
        generator = Generator.for_prompts(
            LoadedModel(trainer.model, tokenizer, start.spec, run_id, run_id, None, None, {}),
            [record.prompt for record in start.held_out.records],
            config.eval,
            mesh,
        )
        evaluation = HeldOutEvaluation(
            config=config,
            run_dir=run_dir,
            records=start.held_out.records,
            generator=generator,
            log=step_log,
            weights=config.rewards,
        )
    hooks = RunHooks(
        log=step_log,
        step_values=step_values,
        evaluation=evaluation,
        callback=step_callback,
        time_from_train_start=False,
    )
    trainer.with_training_hooks(hooks)
    start_step = int(trainer.train_steps)
    if start_step and distributed.is_main():
        tqdm.write(f"resuming {run_dir} from step {start_step}", file=sys.stderr)
    batches = PromptBatches(
        records, training.batch_size, training.seed, config.data.shuffle, on_batch=seed_step
    )

    def abort(error: str) -> None:
        with contextlib.suppress(Exception):
            trainer.checkpoint_manager.close()  # let in-flight saves finish
        _finish(manifest, run_dir, reporter, api_run_id, "cancelled", error, None)

    def fail(error: str) -> None:
        _finish(manifest, run_dir, reporter, api_run_id, "failed", error, trainer)

    def train() -> None:
        if start_step < training.max_steps:
            parts.learner.train(batches)

    error: str | None = None
    status = "succeeded"
    try:
        with mesh:
            train_guarded(hooks, train=train, close=parts.cluster.close, abort=abort, fail=fail)
            final_step = int(trainer.train_steps)
            if hooks.stop_requested and final_step < training.max_steps:
                status = "cancelled"
                error = f"interrupted after step {final_step}; run the same command again to resume"
            elif evaluation is not None and final_step not in evaluation.done:
                evaluation.run(final_step)
    finally:
        step_log.close()

    _finish(manifest, run_dir, reporter, api_run_id, status, error, trainer)
    if status == "cancelled":
        raise Interrupted(error)
    return GrpoResult(
        run_dir=run_dir,
        run_id=run_id,
        api_run_id=api_run_id,
        status=status,
        start_step=start_step,
        final_step=final_step,
        metrics=runs.read_jsonl(run_dir / runs.METRICS) if step_log.main else step_log.rows,
        model=trainer.model,
        tokenizer=tokenizer,
    )


def _manifest(
    config: Config,
    start: StartingPolicy,
    run_dir: Path,
    run_id: str,
    previous: dict[str, Any] | None,
    actor: Any,
    prompts: int,
) -> dict[str, Any]:
    manifest: dict[str, Any] = dict(previous or {})
    manifest.update(
        run_id=run_id,
        kind="grpo",
        status="running",
        config=config.resolved(),
        seed=config.training.seed,
        git_sha=runs.git_sha(),
        parent=start.parent_info,
        dataset_key=start.train.dataset_key,
        dataset_checksum=start.train.checksum,
        data_source=start.train.source,
        held_out_data=start.held_out_info,
        versions=runs.versions(),
        tokenizer=start.tokenizer_info,
        devices=[str(device) for device in jax.devices()[: np.prod(config.mesh.shape)]],
        data={"records": len(start.train.records), "prompts": prompts},
        model={
            "preset": config.model.preset,
            "family": start.spec.family,
            "architecture": start.spec.arch.summary(),
            "lora": config.model.lora is not None,
            "parameters": model_lib.parameter_count(actor),
            "trainable_parameters": model_lib.parameter_count(actor, trainable_only=True),
        },
        rewards=dict(config.rewards),
        artifacts=lifecycle.artifacts(
            run_dir, run_dir / runs.CHECKPOINTS / loading.GRPO_CHECKPOINTS
        ),
    )
    manifest.setdefault("created_at", runs.utc_now())
    manifest.setdefault("api_run_id", None)
    return manifest


def _finish(
    manifest: dict[str, Any],
    run_dir: Path,
    reporter: Reporter | None,
    api_run_id: str | None,
    status: str,
    error: str | None,
    trainer: Any | None,
) -> None:
    if not distributed.is_main():
        return
    rows = runs.read_jsonl(run_dir / runs.METRICS)
    evals = runs.read_jsonl(run_dir / "evals.jsonl")
    summary: dict[str, Any] = {
        "first_reward": rows[0].get("reward/total") if rows else None,
        "final_reward": rows[-1].get("reward/total") if rows else None,
        "final_loss": rows[-1].get("loss") if rows else None,
    }
    if evals:
        summary["held_out_before"] = {k: v for k, v in evals[0].items() if k.startswith("eval/")}
        summary["held_out"] = {k: v for k, v in evals[-1].items() if k.startswith("eval/")}
    if reporter is not None and api_run_id is not None:
        reporter.flush_rollouts(api_run_id)
    lifecycle.finish(
        manifest,
        run_dir,
        run_dir / runs.CHECKPOINTS / loading.GRPO_CHECKPOINTS,
        reporter,
        api_run_id,
        status=status,
        error=error,
        final_step=int(trainer.train_steps) if trainer is not None else None,
        summary=summary,
    )
