"""Request and response shapes of the trace sources (imports and UNGAR)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from tunix_rt_backend.contracts.parsing import ResponseParser
from tunix_rt_backend.traces.schemas import Source, StepRead

ImportFormat = Literal["gsm8k", "jsonl"]

#: The trace fields a JSONL ``--map FIELD=PATH`` may fill.
MapField = Literal[
    "prompt", "steps", "final_answer", "reference_answer", "response", "tags", "metadata"
]
MAP_FIELDS: tuple[MapField, ...] = (
    "prompt",
    "steps",
    "final_answer",
    "reference_answer",
    "response",
    "tags",
    "metadata",
)


class ImportOptions(BaseModel):
    """How to read a file: the same options on the command line and on the HTTP endpoint."""

    model_config = ConfigDict(extra="forbid")

    format: ImportFormat
    source: Source | None = Field(
        default=None, description="jsonl: the `source` every imported trace gets (required)."
    )
    mapping: dict[MapField, Annotated[str, Field(min_length=1)]] = Field(
        default_factory=dict,
        description="jsonl: trace field → dotted path into each record (`out.text`).",
    )
    parser: ResponseParser = Field(
        default="tags", description="jsonl: how a mapped `response` is split into steps/answer."
    )
    split: Annotated[str, Field(min_length=1, max_length=64)] | None = Field(
        default=None, description="gsm8k: the split name stored in each trace's metadata."
    )
    keep_calculator_marks: bool = Field(
        default=False, description="gsm8k: keep the `<<48/2=24>>` calculator annotations."
    )
    skip_invalid: bool = Field(
        default=False,
        description="Import the valid lines and report the others; otherwise store nothing.",
    )


class InvalidLine(BaseModel):
    line: int = Field(description="1-based line number in the file.")
    error: str


class ImportResult(BaseModel):
    read: int = Field(description="Records read (non-blank lines).")
    created: int = Field(description="New traces stored.")
    existing: int = Field(
        description="Records skipped because the same trace is already stored (or repeated)."
    )
    invalid: list[InvalidLine] = Field(
        description="Lines that could not be imported (the first 1,000), in file order."
    )
    invalid_count: int = Field(description="How many lines were invalid in all.")


class UngarStatus(BaseModel):
    available: bool
    version: str | None


class DuelGenerateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int = Field(default=10, ge=1, le=100, description="How many episodes to play.")
    seed: int | None = Field(
        default=None,
        ge=0,
        le=2**31 - 1,
        description="Episode i is played with seed + i; random (and recorded) when omitted.",
    )
    persist: bool = Field(default=True, description="Store the traces (false: preview only).")


class TracePreview(BaseModel):
    prompt: str
    steps: list[StepRead]
    final_answer: str
    metadata: dict[str, object]


class DuelGenerateResult(BaseModel):
    trace_ids: list[uuid.UUID] = Field(
        description="One per episode, in order (empty unless persisted)."
    )
    created: int
    existing: int
    preview: list[TracePreview] = Field(description="The first few traces, as stored.")


class ArithmeticResult(BaseModel):
    generated: int = Field(description="Problems generated (each prompt once).")
    created: int = Field(description="New traces stored.")
    existing: int = Field(
        description="Traces skipped because the same trace is already stored (same content)."
    )
