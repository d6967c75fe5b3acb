"""Trace use cases. Each function owns its transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.contracts.keys import prompt_key
from tunix_rt_backend.datasets import service as dataset_service
from tunix_rt_backend.db import utcnow
from tunix_rt_backend.errors import Conflict, NotFound, PayloadTooLarge
from tunix_rt_backend.ids import uuid7
from tunix_rt_backend.scores import repository as score_repo
from tunix_rt_backend.scores.service import to_score_read
from tunix_rt_backend.traces import repository as repo
from tunix_rt_backend.traces.converters import to_read
from tunix_rt_backend.traces.filters import TraceFilter
from tunix_rt_backend.traces.models import IdempotencyKey
from tunix_rt_backend.traces.schemas import (
    TraceBatchResult,
    TraceComparison,
    TraceCreate,
    TracePage,
    TraceRead,
    TraceSummary,
    TraceWithScores,
)

SCOPE_SINGLE = "trace"
SCOPE_BATCH = "batch"


def build_row(
    payload: TraceCreate, *, now: dt.datetime, max_bytes: int, index: int | None = None
) -> dict[str, Any]:
    """The insertable row for a submitted trace, with its content hash.

    The hash covers everything the client sent, so an identical resubmission (a retry after a
    timeout, or re-importing a file) finds the stored trace instead of duplicating it.
    """
    steps = [{"type": step.type, "content": step.content} for step in payload.steps]
    run_id = str(payload.run_id) if payload.run_id is not None else None
    canonical = orjson.dumps(
        {
            "trace_version": payload.trace_version,
            "source": payload.source,
            "prompt": payload.prompt,
            "steps": steps,
            "final_answer": payload.final_answer,
            "reference_answer": payload.reference_answer,
            "tags": payload.tags,
            "metadata": payload.metadata,
            "run_id": run_id,
        },
        option=orjson.OPT_SORT_KEYS,
    )
    if len(canonical) > max_bytes:
        where = f"Trace {index}" if index is not None else "The trace"
        raise PayloadTooLarge(
            f"{where} is {len(canonical)} bytes; the limit per trace is {max_bytes} bytes.",
            details={"index": index, "limit_bytes": max_bytes},
        )
    return {
        "id": uuid7(),
        "created_at": now,
        "trace_version": payload.trace_version,
        "source": payload.source,
        "prompt": payload.prompt,
        "steps": steps,
        "step_count": len(steps),
        "final_answer": payload.final_answer,
        "reference_answer": payload.reference_answer,
        "tags": payload.tags,
        "meta": payload.metadata,
        "content_hash": hashlib.sha256(canonical).hexdigest(),
        "prompt_key": prompt_key(payload.prompt),
        "prompt_chars": len(payload.prompt),
        "answer_chars": len(payload.final_answer),
        "run_id": payload.run_id,
    }


async def _insert_rows(
    session: AsyncSession, rows: Sequence[dict[str, Any]]
) -> tuple[list[uuid.UUID], int]:
    """Insert new rows, find the ids of those already stored; ids come back in input order."""
    unique: dict[str, dict[str, Any]] = {}
    for row in rows:
        unique.setdefault(row["content_hash"], row)
    inserted = await repo.insert_ignoring_duplicates(session, list(unique.values()))
    id_for = {h: row["id"] for h, row in unique.items() if h in inserted}
    missing = [h for h in unique if h not in inserted]
    if missing:
        id_for.update(await repo.ids_by_hash(session, missing))
    return [id_for[row["content_hash"]] for row in rows], len(inserted)


async def _replay(
    session: AsyncSession, key: str, scope: str, request_hash: str
) -> IdempotencyKey | None:
    record = await repo.get_idempotency_key(session, key, scope)
    if record is not None and record.request_hash != request_hash:
        raise Conflict(
            "This Idempotency-Key was already used with a different request body; "
            "use a new key for a new request.",
            details={"idempotency_key": key},
        )
    return record


async def create(
    session: AsyncSession,
    *,
    payload: TraceCreate,
    idempotency_key: str | None,
    max_trace_bytes: int,
) -> tuple[TraceRead, bool]:
    """Store one trace. Returns it and whether it is new (False: same content or same key)."""
    row = build_row(payload, now=utcnow(), max_bytes=max_trace_bytes)
    if idempotency_key is not None:
        record = await _replay(session, idempotency_key, SCOPE_SINGLE, row["content_hash"])
        if record is not None:
            stored = await repo.get(session, uuid.UUID(record.trace_ids[0]))
            if stored is not None:
                return to_read(stored), False
    ids, created = await _insert_rows(session, [row])
    if idempotency_key is not None:
        await _remember(session, idempotency_key, SCOPE_SINGLE, row["content_hash"], ids, created)
    try:
        await session.commit()
    except IntegrityError:
        # Another request with the same key committed first: answer as it did.
        await session.rollback()
        if idempotency_key is None:
            raise
        return await create(
            session,
            payload=payload,
            idempotency_key=idempotency_key,
            max_trace_bytes=max_trace_bytes,
        )
    stored = await repo.get(session, ids[0])
    if stored is None:  # deleted between commit and read
        raise NotFound(f"Trace {ids[0]} was deleted while it was being stored.")
    return to_read(stored), bool(created)


async def _remember(
    session: AsyncSession,
    key: str,
    scope: str,
    request_hash: str,
    ids: Sequence[uuid.UUID],
    created: int,
) -> None:
    record = await repo.get_idempotency_key(session, key, scope)
    if record is None:
        repo.add_idempotency_key(
            session,
            IdempotencyKey(
                key=key,
                scope=scope,
                request_hash=request_hash,
                trace_ids=[str(i) for i in ids],
                created=created,
                created_at=utcnow(),
            ),
        )
    else:  # the traces it named were deleted and have been stored again
        record.trace_ids = [str(i) for i in ids]
        record.created = created


async def create_batch(
    session: AsyncSession,
    *,
    payloads: Sequence[TraceCreate],
    idempotency_key: str | None,
    max_trace_bytes: int,
    commit: bool = True,
) -> TraceBatchResult:
    """Store many traces in one transaction: all of them, or (on any error) none.

    ``commit=False`` leaves the transaction open for a caller that stores several batches as
    one unit (a file import) and commits or rolls back itself.
    """
    now = utcnow()
    rows = [
        build_row(p, now=now, max_bytes=max_trace_bytes, index=i) for i, p in enumerate(payloads)
    ]
    request_hash = hashlib.sha256("".join(r["content_hash"] for r in rows).encode()).hexdigest()
    if idempotency_key is not None:
        record = await _replay(session, idempotency_key, SCOPE_BATCH, request_hash)
        if record is not None:
            stored_ids = [uuid.UUID(i) for i in record.trace_ids]
            if len(await repo.get_many(session, stored_ids)) == len(set(stored_ids)):
                return TraceBatchResult(
                    ids=stored_ids, created=record.created, existing=len(rows) - record.created
                )
    ids, created = await _insert_rows(session, rows)
    if idempotency_key is not None:
        await _remember(session, idempotency_key, SCOPE_BATCH, request_hash, ids, created)
    if not commit:
        return TraceBatchResult(ids=ids, created=created, existing=len(rows) - created)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        if idempotency_key is None:
            raise
        return await create_batch(
            session,
            payloads=payloads,
            idempotency_key=idempotency_key,
            max_trace_bytes=max_trace_bytes,
        )
    return TraceBatchResult(ids=ids, created=created, existing=len(rows) - created)


async def get(session: AsyncSession, *, trace_id: uuid.UUID) -> TraceRead:
    trace = await repo.get(session, trace_id)
    if trace is None:
        raise NotFound(f"No trace with id {trace_id}.")
    return to_read(trace)


async def get_with_scores(session: AsyncSession, *, trace_id: uuid.UUID) -> TraceWithScores:
    trace = await get(session, trace_id=trace_id)
    scores = await score_repo.list_for_trace(session, trace_id)
    return TraceWithScores(**trace.model_dump(), scores=[to_score_read(s) for s in scores])


async def compare(
    session: AsyncSession, *, base_id: uuid.UUID, other_id: uuid.UUID
) -> TraceComparison:
    return TraceComparison(
        base=await get_with_scores(session, trace_id=base_id),
        other=await get_with_scores(session, trace_id=other_id),
    )


async def delete(session: AsyncSession, *, trace_id: uuid.UUID) -> None:
    # Deleted first, then checked, in one transaction: on SQLite the delete makes this the
    # only writer, so no dataset holding the trace can be recorded between check and commit;
    # on PostgreSQL hold_members does that.
    await dataset_service.hold_members(session)
    if not await repo.delete_one(session, trace_id):
        await session.rollback()
        raise NotFound(f"No trace with id {trace_id}.")
    keys = await dataset_service.datasets_containing(session, trace_id=trace_id)
    if keys:
        await session.rollback()
        raise Conflict(
            f"Trace {trace_id} is part of dataset(s) {', '.join(keys)}, whose exports must stay "
            "byte-identical; it cannot be deleted.",
            details={"datasets": keys},
        )
    await session.commit()


async def list_(
    session: AsyncSession, *, flt: TraceFilter, limit: int, cursor: str | None
) -> TracePage:
    position = repo.decode_cursor(cursor) if cursor else None
    rows = await repo.list_page(session, flt, limit + 1, position)
    more = len(rows) > limit
    rows = rows[:limit]
    items = [TraceSummary.model_validate(dict(row._mapping)) for row in rows]
    next_cursor = repo.encode_cursor(rows[-1].created_at, rows[-1].id) if more and rows else None
    return TracePage(items=items, next_cursor=next_cursor)


async def count(session: AsyncSession, *, flt: TraceFilter) -> int:
    return await repo.count(session, flt)
