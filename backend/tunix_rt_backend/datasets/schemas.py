"""Dataset build requests, manifests and listings."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from tunix_rt_backend.traces.filters import TraceFilter

DATASET_SCHEMA_VERSION = "1"
MAX_LIMIT = 1_000_000


# A name may hold '-', a version may not: the key "{name}-{version}" splits at its last '-'.
def _no_dot_dot(value: str) -> str:
    if ".." in value:
        raise ValueError("'..' is not allowed")
    return value


DatasetName = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"),
    AfterValidator(_no_dot_dot),
]
DatasetVersion = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._]{0,31}$"),
    AfterValidator(_no_dot_dot),
]
Strategy = Literal["latest", "random", "stratified", "top_score"]


class SplitRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    eval_fraction: float = Field(gt=0.0, lt=1.0, description="Share of traces held out for eval.")
    group_by: Literal["prompt"] = Field(
        default="prompt",
        description="Traces with the same (normalised) prompt always land on the same side.",
    )
    # Hashed as 8 unsigned bytes.
    seed: int | None = Field(
        default=None, ge=0, le=2**63 - 1, description="Defaults to the build's seed, else 0."
    )


class DatasetBuildRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dataset_name: DatasetName
    dataset_version: DatasetVersion
    filters: TraceFilter = Field(default_factory=TraceFilter)
    selection_strategy: Strategy = "latest"
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)  # a 32-bit INTEGER column
    limit: int = Field(ge=1, le=MAX_LIMIT)
    dedup: bool = Field(default=False, description="Drop repeats of normalised prompt + answer.")
    split: SplitRequest | None = None
    stratify_by: (
        Annotated[
            str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,7}$")
        ]
        | None
    ) = Field(default=None, description="Metadata key whose values are the strata (`stratified`).")
    score_name: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = Field(
        default=None, description="The scorer to rank by (`top_score`)."
    )
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    session_id: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    parent_dataset_id: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    training_run_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _strategy_needs(self) -> DatasetBuildRequest:
        if self.selection_strategy in {"random", "stratified"} and self.seed is None:
            raise ValueError(f"selection_strategy {self.selection_strategy!r} requires a seed")
        if self.selection_strategy == "stratified" and self.stratify_by is None:
            raise ValueError("selection_strategy 'stratified' requires stratify_by")
        if self.selection_strategy == "top_score" and self.score_name is None:
            raise ValueError("selection_strategy 'top_score' requires score_name")
        return self

    @property
    def dataset_key(self) -> str:
        return f"{self.dataset_name}-{self.dataset_version}"


class DatasetBuildResult(BaseModel):
    dataset_key: str
    build_id: uuid.UUID
    trace_count: int
    split_counts: dict[str, int]
    manifest_path: str
    checksum: str


class DatasetPreview(BaseModel):
    matched: int = Field(description="Traces matching the filters.")
    selected: int = Field(description="How many a build would take (before dedup).")


class DatasetRead(BaseModel):
    """A dataset's index entry: everything in its manifest except the id lists."""

    dataset_key: str
    dataset_name: str
    dataset_version: str
    build_id: uuid.UUID
    dataset_schema_version: str
    created_at: dt.datetime
    trace_count: int
    split_counts: dict[str, int]
    stats: dict[str, Any]
    filters: dict[str, Any]
    selection_strategy: str
    seed: int | None
    limit: int
    dedup: bool
    split: dict[str, Any] | None
    checksum: str
    manifest_path: str
    description: str | None
    session_id: str | None
    parent_dataset_id: str | None
    training_run_id: uuid.UUID | None


class DatasetList(BaseModel):
    items: list[DatasetRead]
