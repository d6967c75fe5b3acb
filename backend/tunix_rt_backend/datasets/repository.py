"""Dataset queries: candidate selection in SQL, membership, stats, and the export stream."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.datasets.models import Dataset, DatasetTrace
from tunix_rt_backend.scores.models import Score
from tunix_rt_backend.traces.filters import TraceFilter, filter_clauses
from tunix_rt_backend.traces.models import Trace

STREAM_BATCH = 2_000
_INSERT_CHUNK = 5_000


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def metadata_text(key: str) -> ColumnElement[Any]:
    """A metadata value as text (NULL when absent), for grouping into strata."""
    value: ColumnElement[Any] = Trace.meta[tuple(key.split("."))].as_string()
    return value


async def get(session: AsyncSession, key: str) -> Dataset | None:
    return await session.get(Dataset, key)


async def list_all(session: AsyncSession) -> list[Dataset]:
    result = await session.execute(
        select(Dataset).order_by(Dataset.created_at.desc(), Dataset.dataset_key)
    )
    return list(result.scalars().all())


async def keys_containing(session: AsyncSession, trace_id: uuid.UUID) -> list[str]:
    result = await session.execute(
        select(DatasetTrace.dataset_key)
        .where(DatasetTrace.trace_id == trace_id)
        .distinct()
        .order_by(DatasetTrace.dataset_key)
    )
    return list(result.scalars().all())


async def count_matching(session: AsyncSession, flt: TraceFilter) -> int:
    stmt = select(func.count()).select_from(Trace).where(*filter_clauses(_dialect(session), flt))
    return int((await session.execute(stmt)).scalar_one())


async def stream_candidates(
    session: AsyncSession,
    flt: TraceFilter,
    *,
    order: str,
    limit: int | None,
    with_text: bool,
    stratify_by: str | None = None,
    score_name: str | None = None,
) -> AsyncGenerator[Sequence[Any]]:
    """Matching traces in the strategy's SQL order, in batches of rows.

    Each row is (id, content_hash[, prompt, final_answer][, stratum]). Only the columns the
    build needs are read: text only for dedup and grouped splits.
    """
    dialect = _dialect(session)
    columns: list[Any] = [Trace.id, Trace.content_hash]
    if with_text:
        columns += [Trace.prompt, Trace.final_answer]
    if stratify_by is not None:
        columns.append(metadata_text(stratify_by))
    stmt = select(*columns).where(*filter_clauses(dialect, flt))
    if order == "latest":
        stmt = stmt.order_by(Trace.created_at.desc(), Trace.id.desc())
    elif order == "top_score":
        best = (
            select(Score.trace_id, func.max(Score.value).label("best"))
            .where(Score.name == score_name)
            .group_by(Score.trace_id)
            .subquery()
        )
        stmt = stmt.join(best, best.c.trace_id == Trace.id).order_by(best.c.best.desc(), Trace.id)
    else:
        stmt = stmt.order_by(Trace.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    async for partition in _partitions(session, stmt):
        yield partition


async def _partitions(session: AsyncSession, stmt: Any) -> AsyncIterator[Sequence[Any]]:
    """Rows in batches from a server-side cursor, closed even when the reader stops early."""
    result = await session.stream(stmt.execution_options(yield_per=STREAM_BATCH))
    try:
        async for partition in result.partitions(STREAM_BATCH):
            yield partition
    finally:
        await result.close()


async def add_dataset(
    session: AsyncSession,
    dataset: Dataset,
    trace_ids: Sequence[uuid.UUID],
    splits: Sequence[str],
) -> None:
    session.add(dataset)
    await session.flush()
    key = dataset.dataset_key
    if _dialect(session) == "postgresql":
        # One statement with two array parameters: far faster than row-by-row inserts.
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        await raw.driver_connection.execute(  # type: ignore[union-attr]
            "INSERT INTO dataset_traces (dataset_key, position, trace_id, split) "
            "SELECT $1, u.ord - 1, u.trace_id, u.split "
            "FROM unnest($2::uuid[], $3::text[]) WITH ORDINALITY AS u(trace_id, split, ord)",
            key,
            list(trace_ids),
            list(splits),
        )
        return
    for start in range(0, len(trace_ids), _INSERT_CHUNK):
        rows = [
            {"dataset_key": key, "position": start + i, "trace_id": trace_id, "split": split}
            for i, (trace_id, split) in enumerate(
                zip(
                    trace_ids[start : start + _INSERT_CHUNK],
                    splits[start : start + _INSERT_CHUNK],
                    strict=True,
                )
            )
        ]
        await session.execute(insert(DatasetTrace), rows)


async def member_stats(session: AsyncSession, key: str) -> dict[str, Any]:
    """Counts and step/length statistics of a dataset's traces, computed in SQL."""
    joined = (
        select(Trace)
        .join(DatasetTrace, DatasetTrace.trace_id == Trace.id)
        .where(DatasetTrace.dataset_key == key)
    )
    members = joined.subquery()
    row = (
        await session.execute(
            select(
                func.count(),
                func.min(members.c.step_count),
                func.max(members.c.step_count),
                func.avg(members.c.step_count),
                func.avg(func.length(members.c.prompt)),
                func.max(func.length(members.c.prompt)),
                func.avg(func.length(members.c.final_answer)),
            )
        )
    ).one()
    sources = await session.execute(
        select(members.c.source, func.count()).group_by(members.c.source).order_by(members.c.source)
    )
    scores = await session.execute(
        select(Score.name, func.avg(Score.value), func.count())
        .join(DatasetTrace, DatasetTrace.trace_id == Score.trace_id)
        .where(DatasetTrace.dataset_key == key)
        .group_by(Score.name)
        .order_by(Score.name)
    )

    def num(value: Any) -> float | None:
        return None if value is None else round(float(value), 4)

    return {
        "trace_count": int(row[0]),
        "sources": {source: int(n) for source, n in sources},
        "steps": {"min": row[1], "max": row[2], "mean": num(row[3])},
        "prompt_chars": {"mean": num(row[4]), "max": row[5]},
        "final_answer_chars": {"mean": num(row[6])},
        "scores": {name: {"mean": num(mean), "count": int(n)} for name, mean, n in scores},
    }


_RECORD_COLUMNS = (
    Trace.id,
    Trace.prompt,
    Trace.steps,
    Trace.final_answer,
    Trace.reference_answer,
    Trace.meta,
)


async def stream_matching(
    session: AsyncSession, flt: TraceFilter, *, limit: int | None
) -> AsyncIterator[Sequence[Any]]:
    """Matching traces, oldest first, as export rows in batches (for `tunix-rt export traces`)."""
    stmt = (
        select(*_RECORD_COLUMNS)
        .where(*filter_clauses(_dialect(session), flt))
        .order_by(Trace.created_at, Trace.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    async for partition in _partitions(session, stmt):
        yield partition


async def stream_members(
    session: AsyncSession, key: str, split: str | None
) -> AsyncIterator[Sequence[Any]]:
    """The dataset's traces in manifest order, in batches of rows."""
    stmt = (
        select(*_RECORD_COLUMNS)
        .join(DatasetTrace, DatasetTrace.trace_id == Trace.id)
        .where(DatasetTrace.dataset_key == key)
        .order_by(DatasetTrace.position)
    )
    if split is not None:
        stmt = stmt.where(DatasetTrace.split == split)
    async for partition in _partitions(session, stmt):
        yield partition
