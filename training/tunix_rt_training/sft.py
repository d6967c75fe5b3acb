"""``tunix-rt-train sft``: supervised fine-tuning with Tunix's ``PeftTrainer``.

What a run does, in order: resolve the run directory (an existing one is resumed), load the
``tunix_sft`` records, build or load the tokenizer, tokenise with the loss on the completion,
pack rows, build the model (preset, local weights, LoRA) under a ``(fsdp, tp)`` mesh, and train
with ``PeftTrainer``: full fine-tune, or only the LoRA adapters when the model has them.

Per step, hooks append to ``metrics.jsonl``, print a line every ``training.log_every`` steps,
and queue the metrics for the API (:mod:`tunix_rt_training.hooks`). With ``eval.every_steps``
the run evaluates its held-out records (``data.eval_path`` or ``data.eval_split``) before the
first step, every N steps and after the last: greedy generation scored by the contracts'
scorers (``eval/<scorer>``) and Tunix's validation loss (``eval/loss``). Orbax checkpoints go
to ``checkpoints/`` every ``training.checkpoint_every`` steps and at the end.

Ctrl-C asks the run to stop after the current step: the trainer closes (the last step's
metrics and a checkpoint are written), the run is marked ``cancelled`` and the command exits
130. A crash saves what it can, marks the run ``failed`` with the error and re-raises. Running
the same command again with the same ``output.dir`` resumes from the last checkpoint, with the
same data order as an uninterrupted run.

Over several processes (``distributed.*``, :mod:`tunix_rt_training.distributed`) every process
runs all of this on the same global batches, each feeding its devices' rows, and writes its
part of each checkpoint; process 0 alone writes the other files and reports.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jax
import numpy as np
import orbax.checkpoint as ocp
from tqdm import tqdm
from tunix.sft import peft_trainer

from tunix_rt_training import data as data_lib
from tunix_rt_training import distributed, lifecycle, runs
from tunix_rt_training import model as model_lib
from tunix_rt_training.config import Config
from tunix_rt_training.evaluate import Generator
from tunix_rt_training.hooks import (
    HeldOutEvaluation,
    Interrupted,
    RunHooks,
    StepCallback,
    StepLog,
    StepMetrics,
    elapsed_and_left,
    train_guarded,
)
from tunix_rt_training.loading import LoadedModel
from tunix_rt_training.reporting import Reporter
from tunix_rt_training.sft_inputs import GlobalBatchTrainer, TokenCounter, held_out_batches

log = logging.getLogger(__name__)

__all__ = ["Interrupted", "SftResult", "StepMetrics", "run_sft"]


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


def _console(config: Config) -> Any:
    max_steps = config.training.max_steps

    def line(step: int, values: Mapping[str, float]) -> str:
        return (
            f"step {step}/{max_steps}  loss {values['loss']:.4f}  "
            f"lr {values['learning_rate']:.3g}  {values['tokens_per_second']:.0f} tok/s  "
            f"{elapsed_and_left(step, max_steps, values['elapsed_s'])}"
        )

    return line


def run_sft(config: Config, *, step_callback: StepCallback | None = None) -> SftResult:
    """Train as configured; see the module docstring. Raises :class:`Interrupted` after a
    Ctrl-C (with a checkpoint written) and re-raises any crash (after marking the run)."""
    distributed.initialize(config.distributed)
    run_dir, run_id, previous = lifecycle.open_run(config, "sft")
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
    loaded = runs.load_data(config, reporter)
    lifecycle.check_same_data(previous, loaded.checksum, loaded.source)
    held_out = (
        runs.load_prompts(config, reporter, "tunix_sft", held_out=True)
        if config.eval.every_steps is not None
        else None
    )
    if not distributed.is_main():
        reporter = None  # the data is read by every process; only process 0 reports
    tokenizer, tokenizer_info = distributed.main_first(
        "tokenizer",
        lambda: runs.resolve_tokenizer(config, run_dir, runs.record_texts(loaded.records)),
    )
    lifecycle.agree(config, loaded.checksum, held_out, tokenizer_info)
    examples, dropped = data_lib.tokenize_records(
        tokenizer, loaded.records, config.training.seq_len
    )
    rows = data_lib.build_rows(
        examples, config.training.seq_len, tokenizer.pad_id(), config.data.packing
    )
    stream = data_lib.BatchStream(
        rows, config.training.batch_size, config.training.seed, config.data.shuffle
    )
    counter = TokenCounter(stream)

    mesh = model_lib.make_mesh(config.mesh)
    spec = model_lib.model_spec(config, vocab_size=tokenizer.vocab_size())
    if tokenizer.vocab_size() > spec.vocab_size:
        raise model_lib.ModelError(
            f"the tokenizer has {tokenizer.vocab_size()} ids but the model embeds only "
            f"{spec.vocab_size}: use the model's own tokenizer.model"
        )
    model = model_lib.build_model(config, spec, mesh)
    checkpoints = run_dir / runs.CHECKPOINTS

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
        held_out_data=None
        if held_out is None
        else {
            "source": held_out.source,
            "checksum": held_out.checksum,
            "records": len(held_out.records),
        },
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
            "architecture": spec.arch.summary(),
            "lora": config.model.lora is not None,
            "parameters": model_lib.parameter_count(model),
            "trainable_parameters": model_lib.parameter_count(model, trainable_only=True),
        },
        artifacts=lifecycle.artifacts(run_dir, checkpoints),
    )
    manifest.setdefault("created_at", runs.utc_now())
    manifest.setdefault("api_run_id", None)

    api_run_id: str | None = manifest["api_run_id"]
    if lifecycle.finished_before(previous, config.training.max_steps):
        reporter = None  # nothing left to train; the server already has the finished run
    if reporter is not None:
        api_run_id = lifecycle.register(
            reporter,
            kind="sft",
            config=config,
            manifest=manifest,
            run_id=run_id,
            api_run_id=api_run_id,
        )
        manifest["api_run_id"] = api_run_id
        reporter.start_heartbeat(api_run_id)
    if distributed.is_main():
        runs.write_json(run_dir / runs.MANIFEST, manifest)
    distributed.check_shared(run_dir / runs.MANIFEST)

    schedule = lifecycle.learning_rate_schedule(config)
    rates = lifecycle.learning_rates(config, schedule)
    training = config.training
    accumulation = training.gradient_accumulation_steps
    validation = held_out_batches(config, tokenizer, held_out.sft_records if held_out else None)
    trainer_config = peft_trainer.TrainingConfig(
        eval_every_n_steps=config.eval.every_steps or training.max_steps + 1,
        max_steps=training.max_steps,
        gradient_accumulation_steps=accumulation if accumulation > 1 else None,
        checkpoint_root_directory=str(checkpoints.resolve()),
        checkpointing_options=ocp.CheckpointManagerOptions(
            save_interval_steps=training.checkpoint_every,
            max_to_keep=training.keep_checkpoints,
        ),
        data_sharding_axis=("fsdp",),
        pbar_description=f"sft {run_id}",
    )

    def step_values(step: int, seconds: float) -> dict[str, float]:
        return {
            "learning_rate": float(rates[min(step, len(rates)) - 1]),
            "tokens_per_second": round(counter.step_tokens(step, accumulation) / seconds, 2),
        }

    step_log = StepLog(
        config=config,
        run_dir=run_dir,
        reporter=reporter,
        api_run_id=api_run_id,
        console=_console(config),
    )
    evaluation = None
    if held_out is not None:
        generator = Generator.for_prompts(
            LoadedModel(model, tokenizer, spec, run_id, run_id, api_run_id, None, tokenizer_info),
            [record.prompt for record in held_out.records],
            config.eval,
            mesh,
        )
        evaluation = HeldOutEvaluation(
            config=config,
            run_dir=run_dir,
            records=held_out.records,
            generator=generator,
            log=step_log,
        )
    hooks = RunHooks(
        log=step_log,
        step_values=step_values,
        evaluation=evaluation,
        eval_batches=len(validation),
        callback=step_callback,
    )

    holder: dict[str, Any] = {}

    def train() -> None:
        # Creating the trainer restores the latest checkpoint of the run, if any.
        optimizer = lifecycle.make_optimizer(config, schedule)
        if distributed.process_count() > 1:
            trainer = GlobalBatchTrainer(model, optimizer, trainer_config, mesh=mesh)
        else:
            trainer = peft_trainer.PeftTrainer(model, optimizer, trainer_config)
        holder["trainer"] = trainer
        trainer.with_gen_model_input_fn(model_lib.model_inputs)
        trainer.with_training_hooks(hooks)
        holder["start_step"] = int(trainer.train_steps)
        if trainer.train_steps and distributed.is_main():
            tqdm.write(f"resuming {run_dir} from step {trainer.train_steps}", file=sys.stderr)
        trainer.train(counter, validation or None)

    def close() -> None:
        if "trainer" in holder:
            holder["trainer"].close()

    def abort(error: str) -> None:
        if "trainer" in holder:
            with contextlib.suppress(Exception):
                holder["trainer"].checkpoint_manager.close()  # let in-flight saves finish
        _finish(manifest, run_dir, reporter, api_run_id, "cancelled", error, None)

    def fail(error: str) -> None:
        _finish(manifest, run_dir, reporter, api_run_id, "failed", error, holder.get("trainer"))

    error: str | None = None
    try:
        with mesh:
            train_guarded(hooks, train=train, close=close, abort=abort, fail=fail)
            trainer = holder["trainer"]
            final_step = int(trainer.train_steps)
            if hooks.stop_requested and final_step < training.max_steps:
                status = "cancelled"
                error = f"interrupted after step {final_step}; run the same command again to resume"
            else:
                status = "succeeded"
                if evaluation is not None and final_step not in evaluation.done:
                    evaluation.run(final_step)
    finally:
        step_log.close()

    _finish(manifest, run_dir, reporter, api_run_id, status, error, trainer)
    if status == "cancelled":
        raise Interrupted(error)
    return SftResult(
        run_dir=run_dir,
        run_id=run_id,
        api_run_id=api_run_id,
        status=status,
        start_step=holder["start_step"],
        final_step=final_step,
        metrics=runs.read_jsonl(run_dir / runs.METRICS) if step_log.main else step_log.rows,
        model=model,
        tokenizer=tokenizer,
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
    if not distributed.is_main():
        return
    rows = runs.read_jsonl(run_dir / runs.METRICS)
    evals = runs.read_jsonl(run_dir / "evals.jsonl")
    summary: dict[str, Any] = {
        "first_loss": rows[0]["loss"] if rows else None,
        "final_loss": rows[-1]["loss"] if rows else None,
    }
    if evals:
        # Before (step 0, the starting model) and after: what the runs list compares.
        summary["held_out_before"] = {k: v for k, v in evals[0].items() if k.startswith("eval/")}
        summary["held_out"] = {k: v for k, v in evals[-1].items() if k.startswith("eval/")}
    lifecycle.finish(
        manifest,
        run_dir,
        run_dir / runs.CHECKPOINTS,
        reporter,
        api_run_id,
        status=status,
        error=error,
        final_step=int(trainer.train_steps) if trainer is not None else None,
        summary=summary,
    )
