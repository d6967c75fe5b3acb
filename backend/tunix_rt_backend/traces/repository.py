"""Trace queries. Never commits: the service owns the transaction."""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.errors import Invalid
from tunix_rt_backend.traces.filters import TraceFilter, filter_clauses
from tunix_rt_backend.traces.models import IdempotencyKey, Trace

PREVIEW_CHARS = 200
# SQLite allows 32,766 bound parameters per statement; 13 columns a row.
_INSERT_CHUNK = 2_000
_LOOKUP_CHUNK = 5_000


def dialect_of(session: AsyncSession) -> str:
    return session.bind.dialect.name


async def insert_ignoring_duplicates(
    session: AsyncSession, rows: Sequence[dict[str, Any]]
) -> set[str]:
    """Bulk insert; rows whose content hash is already stored are left out. Returns new hashes."""
    if not rows:
        return set()
    dialect = dialect_of(session)
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    inserted: set[str] = set()
    for start in range(0, len(rows), _INSERT_CHUNK):
        chunk = rows[start : start + _INSERT_CHUNK]
        stmt = (
            insert(Trace)
            .values(chunk)
            .on_conflict_do_nothing(index_elements=[Trace.content_hash])
            .returning(Trace.content_hash)
        )
        result = await session.execute(stmt)
        inserted.update(result.scalars().all())
    return inserted


async def ids_by_hash(session: AsyncSession, hashes: Iterable[str]) -> dict[str, uuid.UUID]:
    wanted = list(dict.fromkeys(hashes))
    found: dict[str, uuid.UUID] = {}
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        chunk = wanted[start : start + _LOOKUP_CHUNK]
        result = await session.execute(
            select(Trace.content_hash, Trace.id).where(Trace.content_hash.in_(chunk))
        )
        found.update({h: i for h, i in result})
    return found


async def get(session: AsyncSession, trace_id: uuid.UUID) -> Trace | None:
    return await session.get(Trace, trace_id)


async def get_many(session: AsyncSession, trace_ids: Sequence[uuid.UUID]) -> list[Trace]:
    result = await session.execute(select(Trace).where(Trace.id.in_(trace_ids)))
    return list(result.scalars().all())


async def delete_one(session: AsyncSession, trace_id: uuid.UUID) -> bool:
    result = await session.execute(delete(Trace).where(Trace.id == trace_id).returning(Trace.id))
    return result.scalar_one_or_none() is not None


def encode_cursor(created_at: dt.datetime, trace_id: uuid.UUID) -> str:
    raw = orjson.dumps([created_at.isoformat(), trace_id.hex])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created_raw, id_raw = orjson.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        created_at = dt.datetime.fromisoformat(created_raw)
        if created_at.tzinfo is None:
            raise ValueError("naive")
        return created_at, uuid.UUID(hex=id_raw)
    except (ValueError, TypeError, UnicodeError, orjson.JSONDecodeError):
        raise Invalid(
            "The cursor is not valid: pass the next_cursor of a previous page unchanged.",
            details=[{"loc": ["query", "cursor"], "msg": "invalid cursor", "type": "cursor"}],
        ) from None


SUMMARY_COLUMNS = (
    Trace.id,
    Trace.created_at,
    Trace.trace_version,
    Trace.source,
    func.substr(Trace.prompt, 1, PREVIEW_CHARS).label("prompt_preview"),
    Trace.step_count,
    func.substr(Trace.final_answer, 1, PREVIEW_CHARS).label("final_answer_preview"),
    func.substr(Trace.reference_answer, 1, PREVIEW_CHARS).label("reference_answer_preview"),
    Trace.tags,
    Trace.run_id,
)


async def list_page(
    session: AsyncSession,
    flt: TraceFilter,
    limit: int,
    cursor: tuple[dt.datetime, uuid.UUID] | None,
) -> list[Any]:
    """Newest first; keyset pagination over (created_at, id) so deep pages stay fast."""
    stmt = select(*SUMMARY_COLUMNS).where(*filter_clauses(dialect_of(session), flt))
    if cursor is not None:
        stmt = stmt.where(tuple_(Trace.created_at, Trace.id) < tuple_(*cursor))
    stmt = stmt.order_by(Trace.created_at.desc(), Trace.id.desc()).limit(limit)
    result = await session.execute(stmt)
    return list(result.all())


async def count(session: AsyncSession, flt: TraceFilter) -> int:
    stmt = select(func.count()).select_from(Trace).where(*filter_clauses(dialect_of(session), flt))
    return int((await session.execute(stmt)).scalar_one())


async def get_idempotency_key(
    session: AsyncSession, key: str, scope: str
) -> IdempotencyKey | None:
    return await session.get(IdempotencyKey, (key, scope))


def add_idempotency_key(session: AsyncSession, record: IdempotencyKey) -> None:
    session.add(record)
