"""Score queries. Never commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, exists, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.scores.models import Score
from tunix_rt_backend.traces.filters import TraceFilter, filter_clauses
from tunix_rt_backend.traces.models import Trace


async def list_for_trace(session: AsyncSession, trace_id: uuid.UUID) -> list[Score]:
    result = await session.execute(
        select(Score).where(Score.trace_id == trace_id).order_by(Score.created_at, Score.id)
    )
    return list(result.scalars().all())


def add(session: AsyncSession, score: Score) -> None:
    session.add(score)


async def insert_many(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(Score), list(rows))


async def traces_to_score(
    session: AsyncSession,
    *,
    flt: TraceFilter,
    scorer: str,
    version: str,
    skip_existing: bool,
    after: uuid.UUID | None,
    limit: int,
) -> list[Trace]:
    """The next batch of matching traces, in id order, optionally without this scorer's score."""
    dialect = session.get_bind().dialect.name
    stmt = select(Trace).where(*filter_clauses(dialect, flt))
    if skip_existing:
        stmt = stmt.where(
            ~exists().where(
                and_(Score.trace_id == Trace.id, Score.name == scorer, Score.version == version)
            )
        )
    if after is not None:
        stmt = stmt.where(Trace.id > after)
    result = await session.execute(stmt.order_by(Trace.id).limit(limit))
    return list(result.scalars().all())
