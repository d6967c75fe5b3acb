"""Score use cases: run a built-in scorer, store an external score, score in bulk."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.contracts.scorers import Scorer, ScoreResult, get_scorer, list_scorers
from tunix_rt_backend.contracts.trace import TraceLike
from tunix_rt_backend.db import utcnow
from tunix_rt_backend.errors import Invalid, NotFound
from tunix_rt_backend.ids import uuid7
from tunix_rt_backend.scores import repository as repo
from tunix_rt_backend.scores.models import Score
from tunix_rt_backend.scores.schemas import (
    BulkScoreRequest,
    BulkScoreResult,
    ExternalScoreCreate,
    RunScorer,
    ScoreRead,
    ScorerRead,
)
from tunix_rt_backend.traces import repository as trace_repo
from tunix_rt_backend.traces.converters import to_content


def to_score_read(score: Score) -> ScoreRead:
    return ScoreRead(
        id=score.id,
        trace_id=score.trace_id,
        name=score.name,
        version=score.version,
        value=score.value,
        label=score.label,
        details=dict(score.details),
        source=score.source,
        created_at=score.created_at,
    )


def scorers() -> list[ScorerRead]:
    return [
        ScorerRead(
            name=s.name,
            version=s.version,
            description=s.description,
            min_value=s.min_value,
            max_value=s.max_value,
        )
        for s in list_scorers()
    ]


def find_scorer(name: str, field: str = "scorer") -> Scorer:
    """The built-in scorer called ``name``; a 422 naming the available ones otherwise."""
    try:
        return get_scorer(name)
    except KeyError:
        available = ", ".join(s.name for s in list_scorers())
        raise Invalid(
            f"Unknown scorer {name!r}. Available scorers: {available}.",
            details=[{"loc": ["body", field], "msg": "unknown scorer", "type": "scorer"}],
        ) from None


def _score_row(
    trace_id: uuid.UUID, scorer: Scorer, result: ScoreResult, now: dt.datetime | None = None
) -> dict[str, Any]:
    return {
        "id": uuid7(),
        "trace_id": trace_id,
        "name": scorer.name,
        "version": scorer.version,
        "value": float(result.value),
        "label": result.label,
        "details": result.details,
        "source": "auto",
        "created_at": now or utcnow(),
    }


def score_rows(
    scorers: Sequence[Scorer], contents: Sequence[tuple[uuid.UUID, TraceLike]]
) -> list[dict[str, Any]]:
    """Insertable automatic scores: every scorer on every trace (CPU work: run it in a thread)."""
    now = utcnow()
    return [
        _score_row(trace_id, scorer, scorer(content), now)
        for trace_id, content in contents
        for scorer in scorers
    ]


async def create(
    session: AsyncSession, *, trace_id: uuid.UUID, payload: RunScorer | ExternalScoreCreate
) -> ScoreRead:
    trace = await trace_repo.get(session, trace_id)
    if trace is None:
        raise NotFound(f"No trace with id {trace_id}.")
    if isinstance(payload, RunScorer):
        scorer = find_scorer(payload.scorer)
        score = Score(**_score_row(trace_id, scorer, scorer(to_content(trace))))
    else:
        score = Score(
            id=uuid7(),
            trace_id=trace_id,
            name=payload.name,
            version=None,
            value=payload.value,
            label=payload.label,
            details=payload.details,
            source=payload.source,
            created_at=utcnow(),
        )
    repo.add(session, score)
    await session.commit()
    return to_score_read(score)


async def list_for_trace(session: AsyncSession, *, trace_id: uuid.UUID) -> list[ScoreRead]:
    if await trace_repo.get(session, trace_id) is None:
        raise NotFound(f"No trace with id {trace_id}.")
    return [to_score_read(s) for s in await repo.list_for_trace(session, trace_id)]


async def score_bulk(session: AsyncSession, *, request: BulkScoreRequest) -> BulkScoreResult:
    """Score every matching trace, one committed batch at a time (safe to re-run)."""
    scorer = find_scorer(request.scorer)
    matched = await trace_repo.count(session, request.filter)
    after: uuid.UUID | None = None
    scored = 0
    total = 0.0
    while True:
        batch = await repo.traces_to_score(
            session,
            flt=request.filter,
            scorer=scorer.name,
            version=scorer.version,
            skip_existing=request.skip_existing,
            after=after,
            limit=request.batch_size,
        )
        if not batch:
            break
        # Scoring is CPU work: keep it off the event loop.
        rows = await asyncio.to_thread(score_rows, [scorer], [(t.id, to_content(t)) for t in batch])
        await repo.insert_many(session, rows)
        await session.commit()
        scored += len(rows)
        total += sum(r["value"] for r in rows)
        after = batch[-1].id
    return BulkScoreResult(
        scorer=scorer.name,
        version=scorer.version,
        matched=matched,
        scored=scored,
        skipped=max(matched - scored, 0),
        mean=total / scored if scored else None,
    )
