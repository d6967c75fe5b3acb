"""Queries of the sources (read-only; never commits)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.traces.filters import TraceFilter, filter_clauses
from tunix_rt_backend.traces.models import Trace
from tunix_rt_backend.traces.repository import dialect_of

_STREAM_ROWS = 500


async def stream_traces(
    session: AsyncSession,
    flt: TraceFilter,
    *,
    trace_ids: Sequence[uuid.UUID] | None,
    limit: int,
) -> AsyncGenerator[Trace, None]:
    """Matching traces, oldest first, fetched from the database a few hundred at a time.

    The filter, the id list and the limit are all in the SQL: nothing is fetched to be dropped.
    """
    stmt = select(Trace).where(*filter_clauses(dialect_of(session), flt))
    if trace_ids is not None:
        stmt = stmt.where(Trace.id.in_(trace_ids))
    stmt = (
        stmt.order_by(Trace.created_at, Trace.id)
        .limit(limit)
        .execution_options(yield_per=_STREAM_ROWS)
    )
    result = await session.stream_scalars(stmt)
    async for trace in result:
        yield trace
