"""Score request and response shapes."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints

from tunix_rt_backend.jsonvalues import JsonObject
from tunix_rt_backend.traces.filters import TraceFilter

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=128)]


class RunScorer(BaseModel):
    """Run a built-in scorer on the trace and store its result."""

    model_config = ConfigDict(extra="forbid")

    scorer: Name


class ExternalScoreCreate(BaseModel):
    """Store a score measured elsewhere: by a person or by a judge model."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    value: float = Field(allow_inf_nan=False)
    label: Annotated[str, StringConstraints(max_length=128)] | None = None
    details: JsonObject = Field(default_factory=dict)
    source: Literal["human", "judge"]


class ScoreCreateBody(RootModel[RunScorer | ExternalScoreCreate]):
    """A built-in scorer run, or an external score (documented as one body)."""


class ScoreRead(BaseModel):
    id: uuid.UUID
    trace_id: uuid.UUID
    name: str
    version: str | None
    value: float
    label: str | None
    details: dict[str, Any]
    source: Literal["auto", "human", "judge"]
    created_at: dt.datetime


class ScorerRead(BaseModel):
    name: str
    version: str
    description: str
    min_value: float = Field(description="The lowest value the scorer gives (the worst).")
    max_value: float = Field(description="The highest value the scorer gives (the best).")


class BulkScoreRequest(BaseModel):
    """Run a scorer over every trace matching ``filter``, in batches, on the server."""

    model_config = ConfigDict(extra="forbid")

    scorer: Name
    filter: TraceFilter = Field(default_factory=TraceFilter)
    skip_existing: bool = Field(
        default=True, description="Leave traces that already have this scorer's current version."
    )
    batch_size: int = Field(default=1000, ge=1, le=10_000)


class BulkScoreResult(BaseModel):
    scorer: str
    version: str
    matched: int
    scored: int
    skipped: int
    mean: float | None
