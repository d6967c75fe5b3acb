"""Trace request and response shapes."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from tunix_rt_backend.jsonvalues import JsonObject
from tunix_rt_backend.scores.schemas import ScoreRead
from tunix_rt_backend.traces.filters import TraceFilter

__all__ = ["TraceFilter"]

Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]
Source = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=128),
]


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)] = (
        "reasoning"
    )
    content: str


class TraceCreate(BaseModel):
    """A reasoning trace as a client submits it."""

    model_config = ConfigDict(extra="forbid")

    prompt: str = Field(description="The question or task the model was given.")
    steps: list[StepIn] = Field(default_factory=list, description="Ordered reasoning steps.")
    final_answer: str = Field(description="The answer the trace arrives at.")
    reference_answer: str | None = Field(default=None, description="The known correct answer.")
    source: Source = Field(default="manual", description="Where the trace came from.")
    tags: list[Tag] = Field(default_factory=list, max_length=64)
    metadata: JsonObject = Field(default_factory=dict)
    trace_version: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)
    ] = "1.0"
    run_id: uuid.UUID | None = Field(default=None, description="The run that produced it.")

    @field_validator("prompt")
    @classmethod
    def _prompt_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("prompt must not be empty")
        return value

    @field_validator("tags")
    @classmethod
    def _unique_tags(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class TraceBatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    traces: list[TraceCreate]


class TraceBatchResult(BaseModel):
    ids: list[uuid.UUID] = Field(description="One id per submitted trace, in order.")
    created: int = Field(description="How many traces were new.")
    existing: int = Field(description="How many were already stored (same content).")


class StepRead(BaseModel):
    type: str
    content: str


class TraceRead(BaseModel):
    id: uuid.UUID
    created_at: dt.datetime
    trace_version: str
    source: str
    prompt: str
    steps: list[StepRead]
    step_count: int
    final_answer: str
    reference_answer: str | None
    tags: list[str]
    metadata: dict[str, Any]
    content_hash: str
    run_id: uuid.UUID | None


class TraceSummary(BaseModel):
    """A list item: the light fields, with the prompt and answers cut to a preview."""

    id: uuid.UUID
    created_at: dt.datetime
    trace_version: str
    source: str
    prompt_preview: str
    step_count: int
    final_answer_preview: str
    reference_answer_preview: str | None
    tags: list[str]
    run_id: uuid.UUID | None


class TracePage(BaseModel):
    items: list[TraceSummary]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at end.")


class TraceWithScores(TraceRead):
    scores: list[ScoreRead]


class TraceComparison(BaseModel):
    base: TraceWithScores
    other: TraceWithScores


class TraceCount(BaseModel):
    count: int
