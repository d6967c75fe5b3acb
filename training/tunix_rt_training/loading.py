"""Models to generate with or to continue training: a base model, or a training run's.

A run's model is rebuilt from its manifest's config and its latest orbax checkpoint:

- an ``sft`` run: the configured base (random init for ``tiny``/``custom``, else
  ``model.weights_dir``), with its LoRA adapters when it trained some;
- a ``grpo`` run: the same, except that a run which trained adapters on top of an earlier run
  (``init.run_dir``) sits on that run's policy, rebuilt first (and so on up the chain). A full
  fine-tune's checkpoint holds every weight, so its parent need not be rebuilt.

:func:`load_policy` gives a run's policy as a plain model (adapters folded into the weights):
what a GRPO run starts from, and the reference it is kept close to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flax import nnx

from tunix_rt_training import model as model_lib
from tunix_rt_training import runs
from tunix_rt_training import tokenizer as tokenizer_lib
from tunix_rt_training.config import Config
from tunix_rt_training.lora import merge_lora

GRPO_CHECKPOINTS = "actor"  # Tunix's RL trainer writes the policy under checkpoints/actor/


@dataclass(frozen=True, slots=True)
class LoadedModel:
    model: Any
    tokenizer: Any
    spec: model_lib.ModelSpec
    description: str
    run_id: str | None
    api_run_id: str | None
    step: int | None
    tokenizer_info: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RunModel:
    """A training run's model at a checkpoint, with what it was built from."""

    model: Any
    config: Config
    manifest: dict[str, Any]
    tokenizer: Any
    tokenizer_info: dict[str, Any]
    spec: model_lib.ModelSpec
    step: int


def checkpoint_dir(run_dir: Path) -> Path:
    """Where a run's orbax checkpoints are (``checkpoints/``, or ``checkpoints/actor/``)."""
    root = run_dir / runs.CHECKPOINTS
    rl_root = root / GRPO_CHECKPOINTS
    return rl_root if rl_root.is_dir() else root


def restore_checkpoint(model: Any, directory: Path, step: int | None = None) -> int:
    """Load the latest (or ``step``) checkpoint of ``directory`` into ``model``; the step.
    LoRA models restore only their adapters (the base weights come from elsewhere)."""
    from tunix.sft import checkpoint_manager

    manager = checkpoint_manager.CheckpointManager(str(directory.resolve()))
    try:
        restored, _ = manager.maybe_restore(
            model, step=step, restore_only_lora_params=model_lib.is_lora(model)
        )
    finally:
        manager.close()
    if not restored:
        raise runs.RunError(f"no checkpoint found in {directory}")
    return int(restored)


def run_tokenizer(
    run_dir: Path, run_config: Config, manifest: dict[str, Any]
) -> tuple[Any, dict[str, Any]]:
    """The tokenizer a run trained with (its saved BPE, or its ``tokenizer.path``), checked
    against the fingerprint in its manifest."""
    info = dict(manifest.get("tokenizer") or {})
    saved = run_dir / tokenizer_lib.TOKENIZER_FILE
    if info.get("kind") == "bpe-trained" or run_config.tokenizer.path is None:
        tokenizer = tokenizer_lib.load(saved)
    else:
        tokenizer = tokenizer_lib.load(run_config.tokenizer.path)
    if info.get("fingerprint") not in (None, tokenizer_lib.fingerprint(tokenizer)):
        raise runs.RunError(f"the tokenizer found for {run_dir} is not the one it was trained with")
    return tokenizer, info


def build_run_model(run_dir: Path, mesh: Any, step: int | None = None) -> RunModel:
    """A run's model (adapters kept) at its latest checkpoint, or at ``step``."""
    run_config, manifest = runs.load_run_config(run_dir)
    tokenizer, info = run_tokenizer(run_dir, run_config, manifest)
    spec = model_lib.model_spec(run_config, vocab_size=tokenizer.vocab_size())
    parent = run_config.init.run_dir
    lora = run_config.model.lora
    if parent is not None and lora is not None:
        base = load_policy(resolve_parent(run_dir, manifest, parent), mesh).model
        with mesh:
            model = model_lib.apply_lora(base, lora, run_config.training.seed)
            model_lib.shard_model(model, mesh)
    else:
        model = model_lib.build_model(run_config, spec, mesh)
    restored = restore_checkpoint(model, checkpoint_dir(run_dir), step)
    return RunModel(model, run_config, manifest, tokenizer, info, spec, restored)


def resolve_parent(run_dir: Path, manifest: dict[str, Any], configured: Path) -> Path:
    """The parent run's directory: as configured (relative to where the command ran), else
    the absolute path the manifest recorded."""
    if (configured / runs.MANIFEST).exists():
        return configured
    recorded = (manifest.get("parent") or {}).get("run_dir")
    if recorded and (Path(recorded) / runs.MANIFEST).exists():
        return Path(recorded)
    raise runs.RunError(
        f"{run_dir} continues the run in {configured}, which is not there any more: its "
        "adapters sit on that run's weights"
    )


def load_policy(run_dir: Path, mesh: Any, step: int | None = None) -> RunModel:
    """A run's policy (at its latest checkpoint, or ``step``) as a plain model: its
    adapters, if any, folded into the weights."""
    loaded = build_run_model(run_dir, mesh, step)
    lora = loaded.config.model.lora
    if lora is None or not model_lib.is_lora(loaded.model):
        return loaded
    model_class = model_lib.model_class(loaded.spec.family)
    with mesh:
        merged = merge_lora(
            loaded.model,
            rank=lora.rank,
            alpha=lora.alpha,
            build_base=lambda: model_class(loaded.spec.config, rngs=nnx.Rngs(params=0)),
        )
        model_lib.shard_model(merged, mesh)
    return RunModel(
        merged,
        loaded.config,
        loaded.manifest,
        loaded.tokenizer,
        loaded.tokenizer_info,
        loaded.spec,
        loaded.step,
    )


def load_run(run_dir: Path, mesh: Any) -> LoadedModel:
    """A training run's model at its latest checkpoint, described for an evaluation."""
    loaded = build_run_model(run_dir, mesh)
    run_id = str(loaded.manifest.get("run_id", run_dir.name))
    return LoadedModel(
        loaded.model,
        loaded.tokenizer,
        loaded.spec,
        f"{run_id}@step{loaded.step}",
        run_id,
        loaded.manifest.get("api_run_id"),
        loaded.step,
        loaded.tokenizer_info,
    )


def load_base(config: Config, mesh: Any, texts: Sequence[str], out_dir: Path) -> LoadedModel:
    """The configured base model: ``model.weights_dir``'s weights, or for ``tiny`` the random
    init of ``training.seed`` with a BPE built from ``texts`` (the same one a training run
    builds from the same texts)."""
    tokenizer, info = runs.resolve_tokenizer(config, out_dir, list(texts))
    spec = model_lib.model_spec(config, vocab_size=tokenizer.vocab_size())
    model = model_lib.build_model(config, spec, mesh)
    if config.model.weights_dir is not None:
        description = f"{config.model.preset}:{config.model.weights_dir}"
    else:
        description = f"{config.model.preset} (random init, seed {config.training.seed})"
    return LoadedModel(model, tokenizer, spec, description, None, None, None, info)
