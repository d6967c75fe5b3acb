"""A training run's life, for ``sft`` and ``grpo``: its directory (new, or resumed when it
holds a manifest made with a compatible config), its registration on the server, its optimizer,
and its end (the manifest's status, final step and checkpoints; the server's run updated).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import optax

from tunix_rt_training import distributed, runs
from tunix_rt_training.config import Config
from tunix_rt_training.reporting import ApiError, Reporter

log = logging.getLogger(__name__)

DEFAULT_RUNS_DIR = Path("artifacts") / "training_runs"


def open_run(config: Config, kind: str) -> tuple[Path, str, dict[str, Any] | None]:
    """The run directory, the run id and, when the directory holds a run, its manifest (a
    resume: refused when the config differs in anything but the resumable keys). With several
    processes every process reads the directory before process 0 writes to it."""
    if config.output.dir is not None:
        run_dir, run_id = config.output.dir, config.output.dir.name
    else:
        require_output_dir(config)
        run_id = runs.new_id(kind)
        run_dir = DEFAULT_RUNS_DIR / run_id
    manifest_path = run_dir / runs.MANIFEST
    previous: dict[str, Any] | None = None
    if manifest_path.exists():
        previous = runs.read_json(manifest_path)
        if previous.get("kind", kind) != kind:
            raise runs.RunError(
                f"{run_dir} holds a {previous.get('kind')} run, not a {kind} run: use another "
                "output.dir"
            )
        conflicts = runs.resume_conflicts(previous.get("config", {}), config.resolved())
        if conflicts:
            raise runs.RunError(
                f"{run_dir} holds a run made with a different config, so it cannot resume:\n  "
                + "\n  ".join(conflicts)
                + "\nUse another output.dir, or the same settings."
            )
        run_id = str(previous.get("run_id", run_id))
    if distributed.is_main():
        run_dir.mkdir(parents=True, exist_ok=True)
    distributed.barrier(f"opened {run_dir}")
    return run_dir, run_id, previous


def require_output_dir(config: Config) -> None:
    """A run over several processes names its directory: each would make up another one."""
    if config.output.dir is None and distributed.process_count() > 1:
        raise runs.RunError(
            "a run over several processes needs output.dir, the same on every process: "
            + distributed.SHARED_STORAGE
        )


def agree(
    config: Config, data_checksum: str, held_out: Any | None, tokenizer_info: Mapping[str, Any]
) -> None:
    """With several processes: the same error on every one of them unless they all read the
    same config (``distributed.*`` aside), data and tokenizer; a host with another file would
    train on other batches than the rest, silently. ``held_out``: the held-out records, if
    any (their ``checksum``)."""
    distributed.agree(
        {
            "the config": distributed.config_digest(config.resolved()),
            "the training data": data_checksum,
            "the held-out data": held_out.checksum if held_out is not None else "",
            "the tokenizer": str(tokenizer_info.get("fingerprint")),
        },
        "Start every process with the same command line and the same files.",
    )


def check_same_data(previous: Mapping[str, Any] | None, checksum: str, source: str) -> None:
    if previous is not None and previous.get("dataset_checksum") not in (None, checksum):
        raise runs.RunError(
            f"this run was trained on data with checksum {previous['dataset_checksum']}, but "
            f"{source} now has {checksum}: resuming would mix datasets. Use another output.dir."
        )


def finished_before(previous: Mapping[str, Any] | None, max_steps: int) -> bool:
    return (
        previous is not None
        and previous.get("status") == "succeeded"
        and int(previous.get("final_step") or 0) >= max_steps
    )


def artifacts(run_dir: Path, checkpoints: Path) -> dict[str, Any]:
    root = run_dir.resolve()
    return {
        "output_dir": str(root),
        "checkpoints": str(checkpoints.resolve()),
        "manifest": str(root / runs.MANIFEST),
        "metrics": str(root / runs.METRICS),
    }


def base_model_name(config: Config) -> str:
    if config.model.weights_dir is not None:
        return f"{config.model.preset}:{config.model.weights_dir}"
    return config.model.preset


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


def learning_rates(config: Config, schedule: optax.Schedule) -> np.ndarray[Any, Any]:
    """The whole schedule, computed once: evaluating it per step would queue a device
    computation behind the running train step and stall the pipeline while it waits."""
    steps = config.training.max_steps
    return np.broadcast_to(np.asarray(schedule(np.arange(steps)), dtype=np.float64), (steps,))


def make_optimizer(config: Config, schedule: optax.Schedule) -> optax.GradientTransformation:
    parts = []
    if config.training.grad_clip is not None:
        parts.append(optax.clip_by_global_norm(config.training.grad_clip))
    parts.append(optax.adamw(schedule, weight_decay=config.training.weight_decay))
    return optax.chain(*parts)


# --------------------------------------------------------------------------- server


def register(
    reporter: Reporter,
    *,
    kind: str,
    config: Config,
    manifest: Mapping[str, Any],
    run_id: str,
    api_run_id: str | None,
    parent_run_id: str | None = None,
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
    run_artifacts = dict(manifest["artifacts"])
    if api_run_id is not None:
        run_artifacts["continues_run"] = api_run_id

    def create(parent: str | None) -> str:
        return reporter.create_run(
            kind=kind,
            name=config.run_name or run_id,
            dataset_key=manifest.get("dataset_key"),
            base_model=base_model_name(config),
            config=config.resolved(),
            seed=config.training.seed,
            git_sha=manifest.get("git_sha"),
            dataset_checksum=manifest.get("dataset_checksum"),
            artifacts=run_artifacts,
            parent_run_id=parent,
        )

    try:
        return create(parent_run_id)
    except ApiError as exc:
        if parent_run_id is None or exc.status not in (404, 422):
            raise
        # The parent was reported to another server (or not kept): the run stands alone there.
        log.warning("the server does not know parent run %s; registering without it", parent_run_id)
        return create(None)


def finish(
    manifest: dict[str, Any],
    run_dir: Path,
    checkpoints: Path,
    reporter: Reporter | None,
    api_run_id: str | None,
    *,
    status: str,
    error: str | None,
    final_step: int | None,
    summary: Mapping[str, Any],
) -> None:
    """Record the run's end in its manifest and on the server (process 0). Without a final
    step (an abort) the run stands where its last checkpoint is."""
    if not distributed.is_main():
        return
    steps = (
        sorted(int(p.name) for p in checkpoints.iterdir() if p.name.isdigit())
        if checkpoints.exists()
        else []
    )
    if final_step is None:
        final_step = steps[-1] if steps else 0
    manifest.update(
        status=status,
        error=error,
        finished_at=runs.utc_now(),
        final_step=final_step,
        checkpoint_steps=steps,
        **summary,
    )
    manifest["artifacts"] = {
        **manifest.get("artifacts", {}),
        "final_step": final_step,
        "checkpoint_steps": steps,
    }
    runs.write_json(run_dir / runs.MANIFEST, manifest)
    if reporter is None or api_run_id is None:
        return
    reporter.stop_heartbeat()
    reporter.flush_metrics(api_run_id)
    reported = {k: v for k, v in {**summary, "final_step": final_step}.items() if v is not None}
    try:
        reporter.update_run(
            api_run_id,
            status=status,
            error=error,
            artifacts=manifest["artifacts"],
            summary=reported,
        )
    except ApiError as exc:
        log.warning("could not mark run %s %s on the server: %s", api_run_id, status, exc)
