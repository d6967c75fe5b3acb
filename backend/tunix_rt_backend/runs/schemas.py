"""Run request and response shapes."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tunix_rt_backend.jsonvalues import JsonObject

RunKind = Literal["sft", "grpo"]
RunStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
TERMINAL: frozenset[str] = frozenset({"succeeded", "failed", "cancelled"})
MAX_STEP = 2**31 - 1  # run_metrics.step is a 32-bit INTEGER column
MetricName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_./-]{1,64}$")]


class RunCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: RunKind = "sft"
    name: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    status: Literal["queued", "running"] = "queued"
    dataset_key: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    dataset_checksum: Annotated[str, StringConstraints(max_length=64)] | None = None
    base_model: Annotated[str, StringConstraints(min_length=1, max_length=256)]
    config: JsonObject = Field(default_factory=dict, description="The resolved config.")
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)
    git_sha: Annotated[str, StringConstraints(max_length=64)] | None = None
    artifacts: JsonObject = Field(default_factory=dict)
    parent_run_id: uuid.UUID | None = Field(
        default=None,
        description="The run this one started from (e.g. the SFT run whose checkpoint a GRPO "
        "run trains on); it must exist.",
    )


class RunUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: RunStatus | None = None
    error: Annotated[str, StringConstraints(max_length=20_000)] | None = None
    artifacts: JsonObject | None = Field(default=None, description="Merged into the stored.")
    summary: JsonObject | None = Field(default=None, description="Merged into the stored.")


class RunRead(BaseModel):
    id: uuid.UUID
    kind: RunKind
    name: str | None
    status: RunStatus
    dataset_key: str | None
    dataset_checksum: str | None
    base_model: str
    config: dict[str, Any]
    seed: int | None
    git_sha: str | None
    artifacts: dict[str, Any]
    summary: dict[str, Any]
    error: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    heartbeat_at: dt.datetime | None
    parent_run_id: uuid.UUID | None


class RunList(BaseModel):
    items: list[RunRead]


class MetricIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    step: int = Field(ge=0, le=MAX_STEP)
    name: MetricName
    value: float = Field(allow_inf_nan=False)
    time: dt.datetime | None = Field(default=None, description="When measured; default now.")


class MetricsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    metrics: list[MetricIn] = Field(max_length=10_000)


class MetricsAccepted(BaseModel):
    accepted: int


class MetricRead(BaseModel):
    step: int
    name: str
    value: float
    time: dt.datetime


class MetricList(BaseModel):
    items: list[MetricRead]
    names: list[str] = Field(description="Every metric name this run has.")
