"""Trace queries. Never commits: the service owns the transaction."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import orjson
from sqlalchemy import delete, func, select, text, tuple_
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.db import json_dumps
from tunix_rt_backend.errors import Invalid
from tunix_rt_backend.traces.filters import TraceFilter, count_statement, filter_clauses
from tunix_rt_backend.traces.models import IdempotencyKey, Trace

PREVIEW_CHARS = 200
# SQLite allows 32,766 bound parameters per statement; 16 columns a row.
_INSERT_CHUNK = 2_000
_LOOKUP_CHUNK = 5_000


def dialect_of(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def insert_ignoring_duplicates(
    session: AsyncSession, rows: Sequence[dict[str, Any]]
) -> set[str]:
    """Bulk insert; rows whose content hash is already stored are left out. Returns new hashes."""
    if not rows:
        return set()
    if dialect_of(session) == "postgresql":
        return await _insert_unnest(session, rows)
    return await _insert_values(session, rows)


# SQLite: the column order of the insert, and for each column the key of build_row's dict.
_COLUMNS = (
    ("id", "id"),
    ("created_at", "created_at"),
    ("trace_version", "trace_version"),
    ("source", "source"),
    ("prompt", "prompt"),
    ("steps", "steps"),
    ("step_count", "step_count"),
    ("final_answer", "final_answer"),
    ("reference_answer", "reference_answer"),
    ("tags", "tags"),
    ("metadata", "meta"),
    ("content_hash", "content_hash"),
    ("run_id", "run_id"),
    ("prompt_key", "prompt_key"),
    ("prompt_chars", "prompt_chars"),
    ("answer_chars", "answer_chars"),
)


@functools.lru_cache(maxsize=8)
def _values_insert(rows: int) -> str:
    """SQLite: ``INSERT ... VALUES (?, ...) x rows ... RETURNING content_hash`` as SQL text.

    Written once per row count and run with positional parameters, so no statement is compiled
    per batch (SQLAlchemy compiling a VALUES clause of 2,000 rows cost more CPU than SQLite's
    own work, and its cache cannot help: the statement carries its values)."""
    one = "(" + ", ".join("?" * len(_COLUMNS)) + ")"
    columns = ", ".join(name for name, _ in _COLUMNS)
    return (
        f"INSERT INTO traces ({columns}) VALUES {', '.join([one] * rows)} "
        "ON CONFLICT (content_hash) DO NOTHING RETURNING content_hash"
    )


@functools.cache
def _binders(dialect: Dialect) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    """Each column's key and the dialect's bind processor (what SQLAlchemy would apply)."""
    table = Trace.__table__
    return tuple(
        (key, table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
        for name, key in _COLUMNS
    )


async def _insert_values(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> set[str]:
    connection = await session.connection()
    binders = _binders(connection.dialect)
    inserted: set[str] = set()
    for start in range(0, len(rows), _INSERT_CHUNK):
        chunk = rows[start : start + _INSERT_CHUNK]
        params = tuple(
            bind(row[key]) if bind is not None else row[key]
            for row in chunk
            for key, bind in binders
        )
        result = await connection.exec_driver_sql(_values_insert(len(chunk)), params)
        inserted.update(value for (value,) in result)
    return inserted


# PostgreSQL: one statement whatever the row count, each column bound as one array. Its text
# never changes, so asyncpg prepares it once per connection, and SQLAlchemy has no per-row
# VALUES clause to compile (which cost more CPU than the database's own work).
_UNNEST_INSERT = text(
    """
    INSERT INTO traces (id, created_at, trace_version, source, prompt, steps, step_count,
                        final_answer, reference_answer, tags, metadata, content_hash, run_id,
                        prompt_key, prompt_chars, answer_chars)
    SELECT * FROM unnest(
        CAST(:id AS uuid[]), CAST(:created_at AS timestamptz[]),
        CAST(:trace_version AS varchar[]), CAST(:source AS varchar[]), CAST(:prompt AS text[]),
        CAST(:steps AS jsonb[]), CAST(:step_count AS integer[]), CAST(:final_answer AS text[]),
        CAST(:reference_answer AS text[]), CAST(:tags AS jsonb[]), CAST(:metadata AS jsonb[]),
        CAST(:content_hash AS varchar[]), CAST(:run_id AS uuid[]),
        CAST(:prompt_key AS bytea[]), CAST(:prompt_chars AS integer[]),
        CAST(:answer_chars AS integer[])
    )
    ON CONFLICT (content_hash) DO NOTHING
    RETURNING content_hash
    """
).columns(Trace.content_hash)
# Bounds the size of one statement's arrays (the batch byte limit is configurable).
_UNNEST_CHUNK = 5_000
_HASH_LOOKUP = text(
    "SELECT content_hash, id FROM traces WHERE content_hash = ANY(CAST(:hashes AS varchar[]))"
).columns(Trace.content_hash, Trace.id)


async def _insert_unnest(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> set[str]:
    inserted: set[str] = set()
    for start in range(0, len(rows), _UNNEST_CHUNK):
        chunk = rows[start : start + _UNNEST_CHUNK]
        params: dict[str, list[Any]] = {
            "id": [r["id"] for r in chunk],
            "created_at": [r["created_at"] for r in chunk],
            "trace_version": [r["trace_version"] for r in chunk],
            "source": [r["source"] for r in chunk],
            "prompt": [r["prompt"] for r in chunk],
            # JSON travels as text, serialised as the JSON column type would (db.json_dumps).
            "steps": [json_dumps(r["steps"]) for r in chunk],
            "step_count": [r["step_count"] for r in chunk],
            "final_answer": [r["final_answer"] for r in chunk],
            "reference_answer": [r["reference_answer"] for r in chunk],
            "tags": [json_dumps(r["tags"]) for r in chunk],
            "metadata": [json_dumps(r["meta"]) for r in chunk],
            "content_hash": [r["content_hash"] for r in chunk],
            "run_id": [r["run_id"] for r in chunk],
            "prompt_key": [r["prompt_key"] for r in chunk],
            "prompt_chars": [r["prompt_chars"] for r in chunk],
            "answer_chars": [r["answer_chars"] for r in chunk],
        }
        result = await session.execute(_UNNEST_INSERT, params)
        inserted.update(result.scalars().all())
    return inserted


async def ids_by_hash(session: AsyncSession, hashes: Iterable[str]) -> dict[str, uuid.UUID]:
    wanted = list(dict.fromkeys(hashes))
    if dialect_of(session) == "postgresql":
        result = await session.execute(_HASH_LOOKUP, {"hashes": wanted})
        return {h: i for h, i in result}
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
    stmt = count_statement(dialect_of(session), flt)
    return int((await session.execute(stmt)).scalar_one())


async def get_idempotency_key(session: AsyncSession, key: str, scope: str) -> IdempotencyKey | None:
    return await session.get(IdempotencyKey, (key, scope))


def add_idempotency_key(session: AsyncSession, record: IdempotencyKey) -> None:
    session.add(record)
