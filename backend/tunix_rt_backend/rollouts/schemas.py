"""Rollout request and response shapes."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from tunix_rt_backend.runs.schemas import MAX_STEP

MAX_COMPLETIONS = 4_096
"""Most completions in one request (413 beyond)."""
MAX_INDEX = 2**31 - 1  # group and completion indexes are 32-bit INTEGER columns

ScorerName = Annotated[str, StringConstraints(min_length=1, max_length=128)]
Finite = Annotated[float, Field(allow_inf_nan=False)]


class RolloutCompletionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    index: int = Field(ge=0, le=MAX_INDEX, description="The completion's place in its group.")
    response: str = Field(description="The generated text, raw (parsed as evaluations are).")
    advantage: Finite = Field(description="The group-relative advantage the trainer computed.")
    reward: Finite = Field(description="The trainer's weighted total reward.")
    rewards: dict[ScorerName, Finite] = Field(
        default_factory=dict, description="The trainer's unweighted value per reward scorer."
    )


class RolloutGroupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    group: int = Field(ge=0, le=MAX_INDEX, description="The prompt group's index in the step.")
    item_id: Annotated[str, StringConstraints(min_length=1, max_length=256)] = Field(
        description="The id of the training record the prompt came from."
    )
    prompt: str = Field(description="The question (user text).")
    reference_answer: str | None = None
    completions: list[RolloutCompletionIn] = Field(min_length=1)

    @field_validator("prompt")
    @classmethod
    def _prompt_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("prompt must not be empty")
        return value

    @field_validator("completions")
    @classmethod
    def _unique_indexes(cls, value: list[RolloutCompletionIn]) -> list[RolloutCompletionIn]:
        seen: set[int] = set()
        for completion in value:
            if completion.index in seen:
                raise ValueError(f"completion index {completion.index} appears more than once")
            seen.add(completion.index)
        return value


class RolloutsIn(BaseModel):
    """One training step's sampled completions, grouped by prompt."""

    model_config = ConfigDict(extra="forbid")

    step: int = Field(ge=0, le=MAX_STEP)
    scorers: list[ScorerName] = Field(
        min_length=1, max_length=32, description="Server scorers to score every completion with."
    )
    weights: dict[ScorerName, Finite] = Field(
        default_factory=dict, description="Each reward scorer's weight in the total reward."
    )
    groups: list[RolloutGroupIn] = Field(min_length=1)

    @field_validator("groups")
    @classmethod
    def _unique_groups(cls, value: list[RolloutGroupIn]) -> list[RolloutGroupIn]:
        seen: set[int] = set()
        for group in value:
            if group.group in seen:
                raise ValueError(f"group {group.group} appears more than once")
            seen.add(group.group)
        return value

    @model_validator(mode="after")
    def _weights_of_scorers(self) -> RolloutsIn:
        unknown = sorted(set(self.weights) - set(self.scorers))
        if unknown:
            raise ValueError(f"weights name scorers not in scorers: {', '.join(unknown)}")
        return self


class RolloutsStored(BaseModel):
    step: int
    stored: int = Field(description="Completions the step holds.")
    trace_ids: list[uuid.UUID] = Field(description="By group, then completion index.")
    created: bool = Field(description="False when the step was already recorded (a retry).")


class RolloutStepSummary(BaseModel):
    step: int
    groups: int
    completions: int
    reward_mean: float | None = Field(description="Mean of the trainer's total rewards.")
    scores: dict[str, float] = Field(description="Mean server score per scorer of the step.")


class RolloutStepList(BaseModel):
    steps: list[RolloutStepSummary]


class RolloutCompletionRead(BaseModel):
    trace_id: uuid.UUID
    index: int
    response: str
    final_answer: str
    advantage: float
    reward: float
    scores: dict[str, float]


class RolloutGroupRead(BaseModel):
    group: int
    item_id: str
    prompt: str
    reference_answer: str | None
    completions: list[RolloutCompletionRead]


class RolloutStepRead(BaseModel):
    step: int
    scorers: list[str]
    weights: dict[str, float]
    groups: list[RolloutGroupRead]
