"""What a GRPO run starts from: its effective config, its starting policy, its prompts.

With ``init.run_dir`` the run continues an earlier run: that run's model (preset, shape,
weights, dtype) and tokenizer are used whatever the GRPO config says about them (only
``model.lora``, whether GRPO trains adapters, is the GRPO config's own), and the manifest records
the effective config. Its policy is the earlier run's latest checkpoint with any adapters folded
in (:func:`tunix_rt_training.loading.load_policy`).
"""

from __future__ import annotations

import functools
import logging
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jax
import orbax.checkpoint as ocp
from flax import nnx

from tunix_rt_training import distributed, lifecycle, loading, runs
from tunix_rt_training import model as model_lib
from tunix_rt_training import tokenizer as tokenizer_lib
from tunix_rt_training.config import Config, build_config
from tunix_rt_training.data import DataError
from tunix_rt_training.hooks import elapsed_and_left
from tunix_rt_training.reporting import Reporter
from tunix_rt_training.rewards import RolloutRecorder, ScoreCache, reward_functions

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ParentRun:
    run_dir: Path
    config: Config
    manifest: dict[str, Any]


def effective_config(config: Config) -> tuple[Config, ParentRun | None]:
    """``config`` with the model and tokenizer of ``init.run_dir`` (and its own ``model.lora``),
    and that run; ``config`` itself without ``init.run_dir``."""
    run_dir = config.init.run_dir
    if run_dir is None:
        return config, None
    parent_config, manifest = runs.load_run_config(run_dir)
    if not (run_dir / runs.CHECKPOINTS).is_dir():
        raise runs.RunError(f"init.run_dir {run_dir} has no checkpoints to start from")
    data = config.model_dump(mode="json")
    model = parent_config.model.model_dump(mode="json")
    model["lora"] = data["model"]["lora"]
    if {k: v for k, v in data["model"].items() if k != "lora"} != {
        k: v for k, v in model.items() if k != "lora"
    }:
        log.info("model settings come from init.run_dir %s (the run GRPO continues)", run_dir)
    data["model"] = model
    data["tokenizer"] = parent_config.tokenizer.model_dump(mode="json")
    return build_config(
        data, f"{config.run_name or 'grpo'} with init.run_dir={run_dir}"
    ), ParentRun(run_dir, parent_config, manifest)


@dataclass(frozen=True, slots=True)
class StartingPolicy:
    policy: Any
    tokenizer: Any
    tokenizer_info: dict[str, Any]
    spec: model_lib.ModelSpec
    train: runs.LoadedPrompts
    held_out: runs.LoadedPrompts | None
    parent_info: dict[str, Any] | None
    parent_api_run_id: str | None

    @property
    def held_out_info(self) -> dict[str, Any] | None:
        if self.held_out is None:
            return None
        return {
            "source": self.held_out.source,
            "checksum": self.held_out.checksum,
            "records": len(self.held_out.records),
        }

    @classmethod
    def load(
        cls,
        config: Config,
        parent: ParentRun | None,
        run_dir: Path,
        mesh: Any,
        reporter: Reporter | None,
    ) -> StartingPolicy:
        train = runs.load_prompts(config, reporter)
        held_out = (
            runs.load_prompts(config, reporter, held_out=True)
            if config.eval.every_steps is not None
            else None
        )
        if parent is not None:
            if distributed.is_main():
                copy_tokenizer(parent.run_dir, run_dir)
            loaded = loading.load_policy(parent.run_dir, mesh)
            manifest = parent.manifest
            info = {
                "run_dir": str(parent.run_dir.resolve()),
                "run_id": manifest.get("run_id"),
                "kind": manifest.get("kind", "sft"),
                "api_run_id": manifest.get("api_run_id"),
                "step": loaded.step,
            }
            return cls(
                loaded.model,
                loaded.tokenizer,
                loaded.tokenizer_info,
                loaded.spec,
                train,
                held_out,
                info,
                manifest.get("api_run_id"),
            )
        texts = [record.prompt for record in train.records]
        tokenizer, tokenizer_info = distributed.main_first(
            "tokenizer", lambda: runs.resolve_tokenizer(config, run_dir, texts)
        )
        spec = model_lib.model_spec(config, vocab_size=tokenizer.vocab_size())
        if tokenizer.vocab_size() > spec.vocab_size:
            raise model_lib.ModelError(
                f"the tokenizer has {tokenizer.vocab_size()} ids but the model embeds only "
                f"{spec.vocab_size}: use the model's own tokenizer.model"
            )
        base = config.model_copy(update={"model": config.model.model_copy(update={"lora": None})})
        policy = model_lib.build_model(base, spec, mesh)
        return cls(policy, tokenizer, tokenizer_info, spec, train, held_out, None, None)


def copy_tokenizer(source_dir: Path, run_dir: Path) -> None:
    """A parent's trained BPE, kept with the run (evaluations and resumes read it there)."""
    source = source_dir / tokenizer_lib.TOKENIZER_FILE
    target = run_dir / tokenizer_lib.TOKENIZER_FILE
    if source.exists() and not target.exists():
        run_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def console_line(config: Config) -> Callable[[int, Mapping[str, float]], str]:
    max_steps = config.training.max_steps
    names = list(config.rewards)

    def line(step: int, values: Mapping[str, float]) -> str:
        parts = [f"step {step}/{max_steps}", f"loss {values['loss']:.4f}"]
        if "kl" in values:
            parts.append(f"kl {values['kl']:.4f}")
        if "reward/total" in values:
            scorers = ", ".join(f"{n} {values[f'reward/{n}']:.3f}" for n in names)
            parts.append(f"reward {values['reward/total']:.3f} ({scorers})")
            parts.append(f"no-signal {values['groups/no_signal']:.0%}")
            parts.append(f"len {values['completion/mean_tokens']:.0f}")
        if "tokens_per_second" in values:
            parts.append(f"{values['tokens_per_second']:.0f} tok/s")
        parts.append(elapsed_and_left(step, max_steps, values["elapsed_s"]))
        return "  ".join(parts)

    return line


def policies(config: Config, start: StartingPolicy, mesh: Any) -> tuple[Any, Any]:
    """The actor (trained) and the reference (fixed): with ``model.lora`` new adapters on the
    starting policy, which is then the reference (the two share its weights); else the policy
    itself and a copy of it."""
    if config.model.lora is None:
        return start.policy, nnx.clone(start.policy)
    with mesh:
        actor = model_lib.apply_lora(start.policy, config.model.lora, config.training.seed)
        model_lib.shard_model(actor, mesh)
    return actor, start.policy


@dataclass(frozen=True, slots=True)
class LearnerParts:
    cluster: Any
    learner: Any
    recorder: RolloutRecorder
    rollout_config: Any
    seed: int

    def seed_step(self, index: int) -> None:
        """Sample batch ``index``'s rollouts with their own key: without one the sampler draws
        with the same key every call, and with one per batch a resumed run samples what an
        uninterrupted one would have."""
        self.rollout_config.seed = jax.random.PRNGKey((self.seed * 1_000_003 + index) % 2**32)


def build_learner(
    config: Config,
    *,
    actor: Any,
    reference: Any,
    tokenizer: Any,
    mesh: Any,
    checkpoints: Path,
    schedule: Any,
    description: str,
) -> LearnerParts:
    """Tunix's ``RLCluster`` (actor, reference and rollout on ``mesh``, the vanilla engine) and
    ``GRPOLearner`` with the configured rewards, and the recorder of each step's rollouts."""
    from tunix.rl import rl_cluster as rl_cluster_lib
    from tunix.rl.grpo import grpo_learner
    from tunix.rl.rollout import base_rollout

    training, rollout = config.training, config.rollout
    accumulation = training.gradient_accumulation_steps
    if training.batch_size % accumulation:
        raise DataError(
            f"training.batch_size={training.batch_size} must be a multiple of "
            f"training.gradient_accumulation_steps={accumulation}"
        )
    micro = training.batch_size // accumulation if accumulation > 1 else None
    rollout_config = base_rollout.RolloutConfig(
        max_tokens_to_generate=rollout.max_new_tokens,
        max_prompt_length=rollout.max_prompt_length,
        kv_cache_size=rollout.max_prompt_length + rollout.max_new_tokens,
        temperature=rollout.temperature,
        top_p=rollout.top_p,
        top_k=rollout.top_k,
        eos_tokens=rollout.stop_tokens or tokenizer_lib.stop_ids(tokenizer),
    )
    cluster = rl_cluster_lib.RLCluster(
        actor=actor,
        reference=reference,
        tokenizer=tokenizer,
        cluster_config=rl_cluster_lib.ClusterConfig(
            role_to_mesh={role: mesh for role in rl_cluster_lib.Role},
            rollout_engine="vanilla",
            offload_to_cpu=False,
            training_config=rl_cluster_lib.RLTrainingConfig(
                actor_optimizer=lifecycle.make_optimizer(config, schedule),
                eval_every_n_steps=training.max_steps + 1,  # held-out evaluation is ours
                max_steps=training.max_steps,
                mini_batch_size=training.batch_size if micro else None,
                train_micro_batch_size=micro,
                checkpoint_root_directory=str(checkpoints.resolve()),
                checkpointing_options=ocp.CheckpointManagerOptions(
                    save_interval_steps=training.checkpoint_every,
                    max_to_keep=training.keep_checkpoints,
                ),
                data_sharding_axis=("fsdp",),
                pbar_description=description,
            ),
            rollout_config=rollout_config,
        ),
    )
    trainer = cluster.actor_trainer
    if distributed.process_count() > 1:
        # Every process builds the step's train example from the same rollouts; Tunix would
        # leave it on each process's first device (it skips examples holding an array over
        # the mesh), so every device would compute the whole batch. Split it by rows instead,
        # as one process's is. (The trainer is made inside RLCluster: its documented input
        # hook is set on the instance.)
        trainer._prepare_inputs = functools.partial(distributed.global_batch, mesh=mesh)
    cache = ScoreCache(list(config.rewards))
    recorder = RolloutRecorder(
        cache=cache,
        weights=config.rewards,
        num_generations=config.grpo.num_generations,
        tokenizer=tokenizer,
        step_of=lambda: int(trainer.train_steps) + 1,
        rollouts_every=config.report.rollouts_every,
        max_groups=config.report.rollout_groups,
    )
    learner = grpo_learner.GRPOLearner(
        rl_cluster=cluster,
        algo_config=grpo_learner.GRPOConfig(
            num_generations=config.grpo.num_generations,
            num_iterations=config.grpo.num_iterations,
            beta=config.grpo.beta,
            epsilon=config.grpo.epsilon,
            loss_algo=config.grpo.loss_algo,
        ),
        reward_fns=reward_functions(config.rewards, cache),
        metric_fns=[recorder],
    )
    return LearnerParts(cluster, learner, recorder, rollout_config, training.seed)
