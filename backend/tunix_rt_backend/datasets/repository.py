"""Dataset queries: candidate selection in SQL, membership, stats, and the export stream."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass
from typing import Any, cast

import asyncpg
import orjson
from sqlalchemy import ColumnElement, func, insert, select, text
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.datasets.models import Dataset, DatasetTrace
from tunix_rt_backend.http import gc_paused
from tunix_rt_backend.scores.models import Score
from tunix_rt_backend.traces.filters import TraceFilter, filter_clauses
from tunix_rt_backend.traces.models import Trace

STREAM_BATCH = 2_000
CANDIDATE_BATCH = 10_000
# Ids per lookup of traces by id: one array parameter on PostgreSQL, bound values on SQLite.
_LOOKUP_CHUNK = {"postgresql": 20_000, "sqlite": 500}
_INSERT_CHUNK = 5_000


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def _asyncpg(session: AsyncSession) -> asyncpg.Connection:
    """The session's asyncpg connection (PostgreSQL), in the session's transaction if any.

    Used where SQLAlchemy's per-row work would dominate: bulk inserts and export rows."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    return cast(asyncpg.Connection, raw.driver_connection)


@asynccontextmanager
async def planned_for_values(session: AsyncSession) -> AsyncIterator[None]:
    """On PostgreSQL, plan the statements run inside for their actual values.

    Statements are prepared once per connection; after five runs PostgreSQL may switch to a
    generic plan, which cannot see that ``metadata @> '{"split": "train"}'`` matches most rows
    and would fetch and sort all of them for a ``latest`` build of a few thousand. Only inside:
    the foreign-key checks of the membership insert run a cached plan per row, and planning
    each of them again made a 100,000-trace insert 2.5 times slower."""
    if _dialect(session) != "postgresql":
        yield
        return
    await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    yield
    # Not in a `finally`: after an error the transaction is rolled back, and the setting with it.
    await session.execute(text("SET LOCAL plan_cache_mode TO DEFAULT"))


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
    columns: Sequence[str],
    stratify_by: str | None = None,
    score_name: str | None = None,
) -> AsyncGenerator[Sequence[Any]]:
    """Matching traces in the strategy's SQL order, in batches of rows.

    Each row holds ``columns`` in their order, each one of id, content_hash, prompt,
    final_answer and stratum: only what the build needs is read, e.g. the text only to
    deduplicate or to group a split by prompt.
    """
    dialect = _dialect(session)
    available: dict[str, Any] = {
        "id": Trace.id,
        "content_hash": Trace.content_hash,
        "prompt": Trace.prompt,
        "final_answer": Trace.final_answer,
    }
    if stratify_by is not None:
        available["stratum"] = metadata_text(stratify_by)
    stmt = select(*(available[name] for name in columns)).where(*filter_clauses(dialect, flt))
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
    async for partition in _partitions(session, stmt, CANDIDATE_BATCH):
        yield partition


async def matching_ids(session: AsyncSession, flt: TraceFilter) -> list[Any]:
    """The ids of every matching trace, in id order (as ``stream_candidates(order="id")``)."""
    where = filter_clauses(_dialect(session), flt)
    if _dialect(session) == "postgresql":
        connection = await session.connection()
        # One array in one row: asyncpg decodes it in C, where a row per id costs ~1 µs each.
        ordered = func.array_agg(aggregate_order_by(Trace.id, Trace.id))
        ids = (await connection.execute(select(ordered).where(*where))).scalar_one()
        return list(ids or ())
    out: list[Any] = []
    stmt = select(Trace.id).where(*where).order_by(Trace.id)
    async for partition in _partitions(session, stmt, CANDIDATE_BATCH):
        out.extend(row[0] for row in partition)
    return out


async def lookup(
    session: AsyncSession, ids: Sequence[Any], columns: Sequence[str]
) -> dict[Any, Sequence[Any]]:
    """``columns`` (names of traces columns) of the traces ``ids``, by id; ids not stored are
    missing from the result."""
    found: dict[Any, Sequence[Any]] = {}
    dialect = _dialect(session)
    chunk = _LOOKUP_CHUNK.get(dialect, _LOOKUP_CHUNK["sqlite"])
    for start in range(0, len(ids), chunk):
        part = list(ids[start : start + chunk])
        if dialect == "postgresql":
            driver = await _asyncpg(session)
            sql = f"SELECT id, {', '.join(columns)} FROM traces WHERE id = ANY($1::uuid[])"
            rows: Sequence[Any] = await driver.fetch(sql, part)
        else:
            stmt = select(Trace.id, *(Trace.__table__.c[name] for name in columns)).where(
                Trace.id.in_(part)
            )
            rows = (await (await session.connection()).execute(stmt)).all()
        for row in rows:
            found[row[0]] = tuple(row)[1:]
    return found


async def _partitions(
    session: AsyncSession, stmt: Any, batch: int | None = None
) -> AsyncGenerator[Sequence[Any]]:
    """Rows in batches from a server-side cursor, closed even when the reader stops early.

    Core rows: the ORM's per-row bookkeeping is not needed for plain columns."""
    batch = batch or STREAM_BATCH
    connection = await session.connection()
    result = await connection.stream(stmt.execution_options(yield_per=batch))
    try:
        async for partition in result.partitions(batch):
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
        driver = await _asyncpg(session)
        await driver.execute(
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


@dataclass(slots=True)
class ExportRow:
    """The light trace view exports render from (see contracts.trace.TraceLike)."""

    id: str
    prompt: str
    steps: list[str]
    final_answer: str
    reference_answer: str | None
    metadata: dict[str, Any]


def export_row(row: Sequence[Any]) -> ExportRow:
    """(id, prompt, steps as dicts, final_answer, reference_answer, metadata) → ExportRow."""
    return ExportRow(
        id=str(row[0]),
        prompt=row[1],
        steps=[step["content"] for step in row[2]],
        final_answer=row[3],
        reference_answer=row[4],
        metadata=row[5],
    )


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
) -> AsyncGenerator[Sequence[Any]]:
    """The dataset's traces in manifest order, in batches of ExportRows.

    Close it (``aclosing``) when not reading to the end: that returns its connection idle."""
    if _dialect(session) == "postgresql":
        async with aclosing(_members_postgresql(session, key, split)) as pages:
            async for rows in pages:
                yield rows
        return
    stmt = (
        select(*_RECORD_COLUMNS)
        .join(DatasetTrace, DatasetTrace.trace_id == Trace.id)
        .where(DatasetTrace.dataset_key == key)
        .order_by(DatasetTrace.position)
    )
    if split is not None:
        stmt = stmt.where(DatasetTrace.split == split)
    async with aclosing(_partitions(session, stmt)) as partitions:
        async for partition in partitions:
            yield [export_row(row) for row in partition]


# A page of members after a position: the (dataset_key, position) key walks them in order, so
# rows stream from the first page on whatever the planner's statistics say, with no sort of the
# whole dataset, no cursor and no transaction held open. The steps' text arrives as a text[]
# that asyncpg decodes in C, the metadata as text for orjson: no Python-level decoder per value.
_MEMBERS_PAGE = (
    "SELECT d.position, t.id, t.prompt, "
    "ARRAY(SELECT s.step->>'content' FROM jsonb_array_elements(t.steps) "
    "WITH ORDINALITY AS s(step, n) ORDER BY s.n), "
    "t.final_answer, t.reference_answer, t.metadata::text "
    "FROM dataset_traces d JOIN traces t ON t.id = d.trace_id "
    "WHERE d.dataset_key = $1 AND d.position > $2{split} ORDER BY d.position LIMIT {limit}"
)


async def _members_postgresql(
    session: AsyncSession, key: str, split: str | None
) -> AsyncGenerator[Sequence[Any]]:
    driver = await _asyncpg(session)
    extra: tuple[str, ...] = () if split is None else (split,)
    where_split = "" if split is None else " AND d.split = $3"
    sql = _MEMBERS_PAGE.format(split=where_split, limit=STREAM_BATCH)
    loads = orjson.loads
    # The next page is asked for before this one is handed on, so that PostgreSQL reads it
    # while the caller renders and sends this one.
    ahead: asyncio.Future[Any] | None = asyncio.ensure_future(driver.fetch(sql, key, -1, *extra))
    try:
        while ahead is not None:
            rows = await ahead
            ahead = None
            if len(rows) == STREAM_BATCH:
                ahead = asyncio.ensure_future(driver.fetch(sql, key, rows[-1][0], *extra))
                await asyncio.sleep(0)  # let it send the query before the caller's CPU work
            if rows:
                with gc_paused():  # a page of short-lived, acyclic objects: see gc_paused
                    page = [ExportRow(str(r[1]), r[2], r[3], r[4], r[5], loads(r[6])) for r in rows]
                yield page
    finally:
        if ahead is not None:
            # The reader stopped early: let the page in flight finish, so that the connection
            # goes back to the pool idle (at most one page of work).
            await asyncio.wait([ahead])
            if not ahead.cancelled():
                ahead.exception()
