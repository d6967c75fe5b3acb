"""Trace filters, expressed in SQL on both dialects (never by loading rows into Python)."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    func,
    intersect,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import JSONB

from tunix_rt_backend.jsonvalues import INT64_MAX, INT64_MIN, json_value_problem
from tunix_rt_backend.scores.models import Score
from tunix_rt_backend.traces.models import Trace

_KEY_SEGMENT = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
MAX_METADATA_DEPTH = 8


class TraceFilter(BaseModel):
    """Which traces: every condition must hold. Used by listing, bulk scoring and datasets."""

    model_config = ConfigDict(extra="forbid")

    source: str | None = None
    tags: list[str] = Field(default_factory=list, description="Traces carrying all these tags.")
    metadata: dict[str, Any] = Field(
        default_factory=dict,
        description="Equality on metadata values; dotted keys (`a.b`) reach nested objects.",
    )
    created_after: dt.datetime | None = None
    created_before: dt.datetime | None = None
    q: str | None = Field(default=None, description="Text the prompt contains (case-insensitive).")
    run_id: uuid.UUID | None = None
    min_scores: dict[str, float] = Field(
        default_factory=dict,
        description='Score thresholds, e.g. {"answer_match": 1}: some score of that name >= value.',
    )
    max_scores: dict[str, float] = Field(
        default_factory=dict, description="Some score of that name <= value."
    )

    @field_validator("min_scores", "max_scores")
    @classmethod
    def _score_names(cls, value: dict[str, float]) -> dict[str, float]:
        for name, threshold in value.items():
            if not name or len(name) > 128:
                raise ValueError("score names are 1 to 128 characters")
            if threshold != threshold or abs(threshold) == float("inf"):
                raise ValueError(f"score threshold for {name!r} must be a finite number")
        return value

    @field_validator("created_after", "created_before")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value

    @field_validator("metadata")
    @classmethod
    def _safe_keys(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key, item in value.items():
            parts = key.split(".")
            if len(parts) > MAX_METADATA_DEPTH or not all(_KEY_SEGMENT.match(p) for p in parts):
                raise ValueError(
                    f"metadata key {key!r} must be dot-separated segments of letters, digits, "
                    "'_' or '-'"
                )
            if isinstance(item, dict | list):
                raise ValueError(f"metadata.{key} must be a string, number, boolean or null")
            problem = json_value_problem(item, f"metadata.{key}")
            if problem is not None:
                raise ValueError(problem)
        return value


def coerce_query_value(raw: str) -> list[Any]:
    """The JSON values a query-string value may stand for: ``5`` matches 5 and "5"."""
    candidates: list[Any] = [raw]
    lowered = raw.strip().lower()
    if lowered in {"true", "false"}:
        candidates.append(lowered == "true")
    elif lowered == "null":
        candidates.append(None)
    else:
        try:
            number = float(raw)
        except ValueError:
            pass
        else:
            whole = number.is_integer() and "." not in raw and "e" not in lowered
            # Stored integers fit in 64 bits, so a longer one can only equal a stored float.
            if whole and INT64_MIN <= int(raw) <= INT64_MAX:
                candidates.append(int(raw))
            elif number == number and abs(number) != float("inf"):
                candidates.append(number)
    return candidates


def _nested(key: str, value: Any) -> dict[str, Any]:
    out: Any = value
    for part in reversed(key.split(".")):
        out = {part: out}
    return dict(out)


def _metadata_clause(dialect: str, key: str, value: Any) -> ColumnElement[bool]:
    # A string also matches the number or boolean it spells, as query strings carry only text.
    values = coerce_query_value(value) if isinstance(value, str) else [value]
    if dialect == "postgresql":
        # Containment is what the GIN (jsonb_path_ops) index answers.
        return or_(*(Trace.meta.op("@>")(type_coerce(_nested(key, v), JSONB)) for v in values))
    path = "$." + ".".join(f'"{part}"' for part in key.split("."))
    extracted = func.json_extract(Trace.meta, path)
    kind = func.json_type(Trace.meta, path)
    clauses: list[ColumnElement[bool]] = []
    for v in values:
        if v is None:
            clauses.append(kind == "null")
        elif isinstance(v, bool):
            clauses.append(kind == ("true" if v else "false"))
        elif isinstance(v, int | float):
            clauses.append(and_(kind.in_(["integer", "real"]), extracted == v))
        else:
            clauses.append(and_(kind == "text", extracted == str(v)))
    return or_(*clauses)


def _tag_clause(dialect: str, tag: str) -> ColumnElement[bool]:
    if dialect == "postgresql":
        return Trace.tags.op("@>")(type_coerce([tag], JSONB))
    each = func.json_each(Trace.tags).table_valued("value")
    return exists(select(literal(1)).select_from(each).where(each.c.value == tag))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filter_clauses(dialect: str, flt: TraceFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if flt.source is not None:
        clauses.append(Trace.source == flt.source)
    for tag in flt.tags:
        clauses.append(_tag_clause(dialect, tag))
    for key, value in flt.metadata.items():
        clauses.append(_metadata_clause(dialect, key, value))
    if flt.created_after is not None:
        clauses.append(Trace.created_at >= flt.created_after)
    if flt.created_before is not None:
        clauses.append(Trace.created_at < flt.created_before)
    if flt.q:
        clauses.append(Trace.prompt.ilike(f"%{_escape_like(flt.q)}%", escape="\\"))
    if flt.run_id is not None:
        clauses.append(Trace.run_id == flt.run_id)
    for name, threshold in flt.min_scores.items():
        clauses.append(_score_clause(dialect, name, Score.value >= threshold))
    for name, threshold in flt.max_scores.items():
        clauses.append(_score_clause(dialect, name, Score.value <= threshold))
    return clauses


def count_statement(dialect: str, flt: TraceFilter) -> Select[int]:
    """``SELECT count(*)`` of the traces ``flt`` matches.

    A filter of score thresholds alone (``min_score.answer_match=1``, the commonest count) is
    counted from the (name, value, trace_id) index of the scores by itself: the distinct trace
    ids in each threshold's range, intersected, never a look-up per trace. Every score belongs
    to a stored trace (the foreign key cascades deletes), so nothing else needs reading. Any
    other filter counts the traces with ``filter_clauses``."""
    thresholds = [(name, Score.value >= t) for name, t in flt.min_scores.items()] + [
        (name, Score.value <= t) for name, t in flt.max_scores.items()
    ]
    others = flt.model_copy(update={"min_scores": {}, "max_scores": {}})
    if not thresholds or others != TraceFilter():
        return select(func.count()).select_from(Trace).where(*filter_clauses(dialect, flt))
    matching = [select(Score.trace_id).where(Score.name == n, c) for n, c in thresholds]
    ids = matching[0].distinct() if len(matching) == 1 else intersect(*matching)
    return select(func.count()).select_from(ids.subquery())


def _score_clause(dialect: str, name: str, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """Traces with a score ``name`` meeting ``condition``: for each trace, a look-up of its own
    scores in the (trace_id, name) index.

    Without planner statistics SQLite prefers the (name, value, trace_id) index for this
    subquery, because it matches two of its terms, and then searches every score of that name
    for each trace: O(traces x scores), seconds at 10,000 traces. On SQLite the name is compared
    as an expression (``name || ''``), which no index can answer, so the trace's own scores are
    the only way in. PostgreSQL plans the subquery as a semi-join whatever the form."""
    score_name = Score.name.concat("") if dialect == "sqlite" else Score.name
    return exists().where(Score.trace_id == Trace.id, score_name == name, condition)
