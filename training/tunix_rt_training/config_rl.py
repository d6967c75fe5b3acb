"""The config sections only ``tunix-rt-train grpo`` reads (rewards are validated in
:class:`~tunix_rt_training.config.Config`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from tunix_rt_training.section import Section


class InitConfig(Section):
    run_dir: Path | None = Field(
        default=None,
        description="grpo: start from this training run's latest checkpoint (an sft run, full "
        "or LoRA); its model and tokenizer are used and it becomes the run's parent.",
    )


class GrpoConfig(Section):
    """Tunix's ``GRPOConfig`` fields (tunix.rl.grpo.grpo_learner)."""

    num_generations: int = Field(default=4, ge=2, description="Completions per prompt (G).")
    num_iterations: int = Field(default=1, ge=1, description="Updates per batch of rollouts.")
    beta: float = Field(default=0.04, ge=0, description="KL penalty to the reference model.")
    epsilon: float = Field(default=0.2, gt=0, description="Clipping of the policy ratio.")
    loss_algo: Literal["grpo", "gspo-token"] = "grpo"


class RolloutConfig(Section):
    temperature: float = Field(default=0.9, gt=0)
    top_p: float = Field(default=1.0, gt=0, le=1)
    top_k: int | None = Field(default=None, ge=1)
    max_prompt_length: int = Field(
        default=256, ge=8, description="Longer prompts are left out of training (warned)."
    )
    max_new_tokens: int = Field(default=256, ge=1)
    stop_tokens: list[int] | None = Field(
        default=None,
        description="Ids that end a completion; null: the tokenizer's EOS and <end_of_turn> "
        "(ids 1 and 106 for real Gemma 3).",
    )


class ReportConfig(Section):
    rollouts_every: int = Field(
        default=10,
        ge=0,
        description="grpo with api.url: store every Nth step's rollouts as traces; 0: never.",
    )
    rollout_groups: int | None = Field(
        default=None, ge=1, description="At most this many prompt groups per stored step."
    )
