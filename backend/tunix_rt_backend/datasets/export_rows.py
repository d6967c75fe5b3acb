"""Reading traces for exports: a dataset's members in manifest order (a page at a time, one
query per page, on each dialect its fastest form), and the traces a filter matches, as the light
rows the export records render from (``ExportRow``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any, cast

import asyncpg
import orjson
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.datasets import repository as repo
from tunix_rt_backend.datasets.models import ID_BYTES, MEMBER_EVAL, MEMBER_TRAIN, Dataset
from tunix_rt_backend.http import gc_paused
from tunix_rt_backend.traces.filters import TraceFilter, filter_clauses
from tunix_rt_backend.traces.models import Trace


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
        .where(*filter_clauses(repo.dialect_of(session), flt))
        .order_by(Trace.created_at, Trace.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    async for partition in repo.partitions(session, stmt):
        yield partition


async def stream_members(
    session: AsyncSession, key: str, split: str | None
) -> AsyncGenerator[Sequence[ExportRow]]:
    """The dataset's traces in manifest order, in batches of ExportRows.

    Close it (``aclosing``) when not reading to the end: that returns its connection idle."""
    stmt = select(Dataset.trace_count).where(Dataset.dataset_key == key)
    count = int((await session.execute(stmt)).scalar_one())
    wanted = None if split is None else (MEMBER_EVAL if split == "eval" else MEMBER_TRAIN)[0]
    pages = (
        _members_postgresql(session, key, count, wanted)
        if repo.dialect_of(session) == "postgresql"
        else _members_sqlite(session, key, count, wanted)
    )
    async with aclosing(pages) as rows:
        async for page in rows:
            yield page


# A page of members: the positions [$2, $2 + $3) of the dataset's ids (a slice of the value,
# read without reading the rest), each looked up by the primary key, in manifest order. $4 is
# the byte of the split asked for, or NULL for all. OFFSET 0 keeps the slice a value of its
# own: flattened into the join, it was read from the TOAST table again for every row (3x the
# database's time). The steps' text arrives as a text[] that
# asyncpg decodes in C, the metadata as text for orjson: no Python-level decoder per value.
_MEMBERS_PAGE = (
    "SELECT t.id, t.prompt, "
    "ARRAY(SELECT s.step->>'content' FROM jsonb_array_elements(t.steps) "
    "WITH ORDINALITY AS s(step, n) ORDER BY s.n), "
    "t.final_answer, t.reference_answer, t.metadata::text "
    "FROM (SELECT substr(member_ids, $2 * 16 + 1, $3 * 16) AS ids, "
    "substr(member_splits, $2 + 1, $3) AS splits FROM datasets WHERE dataset_key = $1 "
    "OFFSET 0) AS m "
    "CROSS JOIN LATERAL generate_series(0, length(m.splits) - 1) AS g(n) "
    "JOIN traces t ON t.id = encode(substr(m.ids, g.n * 16 + 1, 16), 'hex')::uuid "
    "WHERE $4::int IS NULL OR get_byte(m.splits, g.n) = $4 "
    "ORDER BY g.n"
)


async def _members_postgresql(
    session: AsyncSession, key: str, count: int, wanted: int | None
) -> AsyncGenerator[Sequence[ExportRow]]:
    driver = await repo.asyncpg_connection(session)
    loads = orjson.loads

    def fetch(start: int) -> asyncio.Future[list[asyncpg.Record]]:
        page = driver.fetch(_MEMBERS_PAGE, key, start, repo.STREAM_BATCH, wanted)
        return asyncio.ensure_future(cast(Awaitable[list[asyncpg.Record]], page))

    # The next page is asked for before this one is handed on, so that PostgreSQL reads it
    # while the caller renders and sends this one.
    ahead: asyncio.Future[list[asyncpg.Record]] | None = fetch(0) if count else None
    start = 0
    try:
        while ahead is not None:
            rows = await ahead
            ahead = None
            start += repo.STREAM_BATCH
            if start < count:
                ahead = fetch(start)
                await asyncio.sleep(0)  # let it send the query before the caller's CPU work
            if rows:
                with gc_paused():  # a page of short-lived, acyclic objects: see gc_paused
                    page = [ExportRow(str(r[0]), r[1], r[2], r[3], r[4], loads(r[5])) for r in rows]
                yield page
    finally:
        if ahead is not None:
            # The reader stopped early: let the page in flight finish, so that the connection
            # goes back to the pool idle (at most one page of work).
            await asyncio.wait([ahead])
            if not ahead.cancelled():
                ahead.exception()


# SQLite: one page of members by primary key, as SQL text with positional parameters. Ids are
# stored as 32 hex digits; steps and metadata as JSON text, decoded here by orjson (SQLAlchemy's
# expanding IN and its per-value result processors cost more than SQLite's own work).
_SQLITE_PAGE = (
    "SELECT id, prompt, steps, final_answer, reference_answer, metadata FROM traces "
    "WHERE id IN ({marks})"
)


def _dashed(hex_id: str) -> str:
    """A 32-digit hex id in the UUID's usual form (what str(uuid.UUID(hex=...)) gives)."""
    h = hex_id.lower()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


async def _members_sqlite(
    session: AsyncSession, key: str, count: int, wanted: int | None
) -> AsyncGenerator[Sequence[ExportRow]]:
    connection = await session.connection()
    loads = orjson.loads
    for start in range(0, count, repo.STREAM_BATCH):
        stmt = select(
            func.substr(Dataset.member_ids, start * ID_BYTES + 1, repo.STREAM_BATCH * ID_BYTES),
            func.substr(Dataset.member_splits, start + 1, repo.STREAM_BATCH),
        ).where(Dataset.dataset_key == key)
        ids, splits = (await session.execute(stmt)).one()
        ids = bytes(ids)
        chosen = [
            ids[ID_BYTES * n : ID_BYTES * (n + 1)].hex()
            for n, byte in enumerate(bytes(splits))
            if wanted is None or byte == wanted
        ]
        if not chosen:
            continue
        sql = _SQLITE_PAGE.format(marks=", ".join("?" * len(chosen)))
        result = await connection.exec_driver_sql(sql, tuple(chosen))
        found: dict[str, Sequence[Any]] = {row[0].lower(): tuple(row) for row in result}
        with gc_paused():  # a page of short-lived, acyclic objects: see gc_paused
            page = []
            for hex_id in chosen:
                row = found[hex_id]  # a member is never deleted (hold_members)
                steps = [step["content"] for step in loads(row[2])]
                metadata = loads(row[5])
                page.append(ExportRow(_dashed(hex_id), row[1], steps, row[3], row[4], metadata))
        if page:
            yield page
