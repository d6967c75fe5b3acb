"""HTTP for traces: parse, call one service function, return a schema."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import TypeAdapter, ValidationError

from tunix_rt_backend.deps import SessionDep, SettingsDep
from tunix_rt_backend.errors import Invalid, PayloadTooLarge, validation_details
from tunix_rt_backend.http import json_body_openapi, parse_json, read_body
from tunix_rt_backend.openapi import ERROR_RESPONSES
from tunix_rt_backend.traces import service
from tunix_rt_backend.traces.filters import TraceFilter
from tunix_rt_backend.traces.schemas import (
    TraceBatchCreate,
    TraceBatchResult,
    TraceComparison,
    TraceCount,
    TraceCreate,
    TracePage,
    TraceRead,
    TraceWithScores,
)

router = APIRouter(prefix="/api/traces", tags=["traces"], responses=ERROR_RESPONSES)

_CREATE = TypeAdapter(TraceCreate)
_BATCH = TypeAdapter(TraceBatchCreate)
_LIST_PARAMS = {
    "source",
    "tag",
    "created_after",
    "created_before",
    "q",
    "run_id",
    "limit",
    "cursor",
}

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Retrying with the same key returns the first result instead of storing again.",
    ),
]


def _filter_from_query(
    request: Request,
    source: str | None,
    tag: list[str] | None,
    created_after: dt.datetime | None,
    created_before: dt.datetime | None,
    q: str | None,
    run_id: uuid.UUID | None,
) -> TraceFilter:
    metadata: dict[str, str] = {}
    scores: dict[str, dict[str, str]] = {"min_score.": {}, "max_score.": {}}
    unknown: list[str] = []
    for key, value in request.query_params.multi_items():
        prefix = next((p for p in scores if key.startswith(p)), None)
        if key.startswith("metadata."):
            metadata[key.removeprefix("metadata.")] = value
        elif prefix is not None:
            scores[prefix][key.removeprefix(prefix)] = value
        elif key not in _LIST_PARAMS:
            unknown.append(key)
    if unknown:
        raise Invalid(
            f"Unknown query parameter(s): {', '.join(sorted(set(unknown)))}. Filter on metadata "
            "with metadata.KEY=VALUE.",
            details=[
                {"loc": ["query", k], "msg": "unknown parameter", "type": "extra"} for k in unknown
            ],
        )
    try:
        return TraceFilter(
            source=source,
            tags=tag or [],
            metadata=metadata,
            created_after=created_after,
            created_before=created_before,
            q=q,
            run_id=run_id,
            min_scores=scores["min_score."],
            max_scores=scores["max_score."],
        )
    except ValidationError as exc:
        raise Invalid(
            "Invalid filter: see details.", details=validation_details(exc.errors())
        ) from None


@router.post(
    "",
    status_code=201,
    summary="Store one trace",
    description=(
        "201 when stored; 200 with the stored trace when the same content (or the same "
        "Idempotency-Key) was already stored."
    ),
    responses={200: {"model": TraceRead, "description": "Already stored; nothing new written."}},
    openapi_extra=json_body_openapi(TraceCreate),
)
async def create(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> TraceRead:
    body = await read_body(request, settings.max_trace_bytes)
    payload = parse_json(_CREATE, body)
    trace, created = await service.create(
        session,
        payload=payload,
        idempotency_key=idempotency_key,
        max_trace_bytes=settings.max_trace_bytes,
    )
    if not created:
        response.status_code = 200
    return trace


@router.post(
    "/batch",
    status_code=201,
    summary="Store many traces in one transaction",
    description="All or nothing: if any trace is invalid, none is stored.",
    openapi_extra=json_body_openapi(TraceBatchCreate),
)
async def create_batch(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKeyHeader = None,
) -> TraceBatchResult:
    body = await read_body(request, settings.max_batch_bytes)
    batch = parse_json(_BATCH, body)
    if len(batch.traces) > settings.max_batch_traces:
        raise PayloadTooLarge(
            f"The batch holds {len(batch.traces)} traces; the limit is "
            f"{settings.max_batch_traces}. Split it into smaller batches.",
            details={"limit_traces": settings.max_batch_traces},
        )
    return await service.create_batch(
        session,
        payloads=batch.traces,
        idempotency_key=idempotency_key,
        max_trace_bytes=settings.max_trace_bytes,
    )


def trace_filter(
    request: Request,
    source: str | None = None,
    tag: Annotated[list[str] | None, Query()] = None,
    created_after: dt.datetime | None = None,
    created_before: dt.datetime | None = None,
    q: Annotated[str | None, Query(max_length=1000)] = None,
    run_id: uuid.UUID | None = None,
) -> TraceFilter:
    """The filter from the query string (also `metadata.*`, `min_score.*`, `max_score.*`)."""
    return _filter_from_query(request, source, tag, created_after, created_before, q, run_id)


TraceFilterDep = Annotated[TraceFilter, Depends(trace_filter)]


@router.get(
    "",
    summary="List traces, newest first",
    description=(
        "Keyset-paginated. Filters combine with AND; `tag` may repeat; "
        "`metadata.KEY=VALUE` filters on metadata (dotted keys reach nested objects); "
        "`min_score.NAME=X` / `max_score.NAME=X` keep traces with such a score."
    ),
)
async def list_traces(
    session: SessionDep,
    flt: TraceFilterDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> TracePage:
    return await service.list_(session, flt=flt, limit=limit, cursor=cursor)


@router.get("/count", summary="Count traces matching the same filters as the list")
async def count_traces(session: SessionDep, flt: TraceFilterDep) -> TraceCount:
    return TraceCount(count=await service.count(session, flt=flt))


@router.get("/compare", summary="Two traces side by side, with their scores")
async def compare(session: SessionDep, base: uuid.UUID, other: uuid.UUID) -> TraceComparison:
    return await service.compare(session, base_id=base, other_id=other)


@router.get("/{trace_id}", summary="One trace, in full, with its scores")
async def get(session: SessionDep, trace_id: uuid.UUID) -> TraceWithScores:
    return await service.get_with_scores(session, trace_id=trace_id)


@router.delete("/{trace_id}", status_code=204, summary="Delete a trace and its scores")
async def delete(session: SessionDep, trace_id: uuid.UUID) -> Response:
    await service.delete(session, trace_id=trace_id)
    return Response(status_code=204)
