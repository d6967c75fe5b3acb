"""Evaluation request and response shapes."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from tunix_rt_backend.jsonvalues import JsonObject

DEFAULT_SCORERS = ["answer_match", "format_exact", "format_approx", "gsm8k_reward"]
Text128 = Annotated[str, StringConstraints(min_length=1, max_length=128)]


class EvaluationItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_id: Annotated[str, StringConstraints(min_length=1, max_length=256)] = Field(
        description="Stable id of the evaluated record (pairs items across evaluations)."
    )
    prompt: str = Field(description="The question as the user wrote it.")
    response: str = Field(description="The model's raw generated text.")
    reference_answer: str | None = None
    metadata: JsonObject = Field(default_factory=dict)

    @field_validator("prompt")
    @classmethod
    def _prompt_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("prompt must not be empty")
        return value


class EvaluationCreate(BaseModel):
    """A model's outputs on a set of items. The server parses, stores and scores them."""

    model_config = ConfigDict(extra="forbid")

    name: Text128
    model: Annotated[str, StringConstraints(min_length=1, max_length=256)] = Field(
        description='What generated the outputs, e.g. "gemma3-1b (base)" or a run directory.'
    )
    run_id: uuid.UUID | None = Field(default=None, description="The run whose checkpoint it is.")
    dataset_key: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    split: Annotated[str, StringConstraints(min_length=1, max_length=16)] | None = None
    scorers: list[Text128] = Field(default_factory=lambda: list(DEFAULT_SCORERS), min_length=1)
    config: JsonObject = Field(default_factory=dict, description="Generation settings.")
    items: list[EvaluationItemIn] = Field(min_length=1, max_length=10_000)

    @field_validator("items")
    @classmethod
    def _unique_items(cls, value: list[EvaluationItemIn]) -> list[EvaluationItemIn]:
        seen: set[str] = set()
        for item in value:
            if item.item_id in seen:
                raise ValueError(f"item_id {item.item_id!r} appears more than once")
            seen.add(item.item_id)
        return value


class ScorerSummary(BaseModel):
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    count: int


class EvaluationRead(BaseModel):
    id: uuid.UUID
    name: str
    model: str
    run_id: uuid.UUID | None
    dataset_key: str | None
    split: str | None
    scorers: list[str]
    item_count: int
    summary: dict[str, ScorerSummary]
    config: dict[str, Any]
    created_at: dt.datetime


class EvaluationList(BaseModel):
    items: list[EvaluationRead]


class EvaluationItemRead(BaseModel):
    item_id: str
    trace_id: uuid.UUID
    prompt_preview: str
    final_answer: str
    reference_answer: str | None
    response: str | None = Field(description="The model's raw generated text, as it was sent.")
    scores: dict[str, float]


class EvaluationItemPage(BaseModel):
    items: list[EvaluationItemRead]
    matched: int = Field(description="Items the filter keeps (all of them without one).")
    next_offset: int | None


class ScorerDelta(BaseModel):
    n: int = Field(description="Items present in both evaluations.")
    before_mean: float | None
    after_mean: float | None
    delta: float | None
    ci_low: float | None = Field(description="95% bootstrap interval of the delta (paired).")
    ci_high: float | None


class ChangedItem(BaseModel):
    item_id: str
    before_trace_id: uuid.UUID
    after_trace_id: uuid.UUID
    prompt_preview: str
    before_answer: str
    after_answer: str
    reference_answer: str | None


class EvaluationComparison(BaseModel):
    before: EvaluationRead
    after: EvaluationRead
    key_scorer: str
    scorers: dict[str, ScorerDelta]
    fixed_count: int
    broken_count: int
    fixed: list[ChangedItem] = Field(description="Wrong before, right after (first 500).")
    broken: list[ChangedItem] = Field(description="Right before, wrong after (first 500).")
