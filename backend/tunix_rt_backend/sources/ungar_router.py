"""HTTP for UNGAR: status, High Card Duel generation, and its JSONL export."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import TypeAdapter

from tunix_rt_backend.contracts.records import trace_record
from tunix_rt_backend.deps import SessionDep, SettingsDep
from tunix_rt_backend.errors import Invalid
from tunix_rt_backend.http import json_body_openapi, parse_json, read_body
from tunix_rt_backend.openapi import ERROR_RESPONSES
from tunix_rt_backend.sources import ungar
from tunix_rt_backend.sources.repository import stream_traces
from tunix_rt_backend.sources.schemas import (
    DuelGenerateRequest,
    DuelGenerateResult,
    TracePreview,
    UngarStatus,
)
from tunix_rt_backend.traces import service as traces
from tunix_rt_backend.traces.converters import to_content
from tunix_rt_backend.traces.filters import TraceFilter
from tunix_rt_backend.traces.models import Trace
from tunix_rt_backend.traces.schemas import StepRead

router = APIRouter(prefix="/api/ungar", tags=["ungar"], responses=ERROR_RESPONSES)

_GENERATE = TypeAdapter(DuelGenerateRequest)
_SMALL_BODY = 10_000
PREVIEW_TRACES = 3
MAX_EXPORT_IDS = 1_000
#: Lines are sent in pieces of about this size (one write per line would be slow).
_EXPORT_PIECE_BYTES = 64 * 1024
_NOT_INSTALLED: dict[int | str, dict[str, Any]] = {
    501: {"description": "UNGAR is not installed; the message says how to install."}
}


@router.get("/status", summary="Whether UNGAR is installed, and its version")
async def status() -> UngarStatus:
    available, version = ungar.status()
    return UngarStatus(available=available, version=version)


@router.post(
    "/high-card-duel/generate",
    status_code=201,
    summary="Play High Card Duel episodes and store them as traces",
    description=(
        "Plays `count` random episodes (episode i with seed `seed + i`) and stores each as a "
        "trace with `source=ungar`. With `persist=false` nothing is stored (200, preview only). "
        "501 when UNGAR is not installed."
    ),
    responses={**_NOT_INSTALLED, 200: {"model": DuelGenerateResult, "description": "Preview."}},
    openapi_extra=json_body_openapi(DuelGenerateRequest),
)
async def generate(
    request: Request, response: Response, session: SessionDep, settings: SettingsDep
) -> DuelGenerateResult:
    body = await read_body(request, _SMALL_BODY)
    payload = parse_json(_GENERATE, body)
    # Playing is CPU work in UNGAR (numpy tensors); keep it off the event loop.
    generated = await asyncio.to_thread(ungar.generate, payload.count, payload.seed)
    preview = [
        TracePreview(
            prompt=t.prompt,
            steps=[StepRead(type=s.type, content=s.content) for s in t.steps],
            final_answer=t.final_answer,
            metadata=t.metadata,
        )
        for t in generated[:PREVIEW_TRACES]
    ]
    if not payload.persist:
        response.status_code = 200
        return DuelGenerateResult(trace_ids=[], created=0, existing=0, preview=preview)
    stored = await traces.create_batch(
        session, payloads=generated, idempotency_key=None, max_trace_bytes=settings.max_trace_bytes
    )
    return DuelGenerateResult(
        trace_ids=stored.ids, created=stored.created, existing=stored.existing, preview=preview
    )


def _record_line(trace: Trace) -> bytes:
    return orjson.dumps(trace_record(to_content(trace))) + b"\n"


def _parse_ids(values: list[str]) -> list[uuid.UUID]:
    ids: list[uuid.UUID] = []
    for value in values:
        for part in value.split(","):
            if not part.strip():
                continue
            try:
                ids.append(uuid.UUID(part.strip()))
            except ValueError:
                raise Invalid(
                    f"trace_ids: {part.strip()!r} is not a trace id (a UUID).",
                    details=[{"loc": ["query", "trace_ids"], "msg": "not a UUID", "type": "uuid"}],
                ) from None
    if len(ids) > MAX_EXPORT_IDS:
        raise Invalid(
            f"trace_ids names {len(ids)} traces; at most {MAX_EXPORT_IDS} per request.",
            details=[{"loc": ["query", "trace_ids"], "msg": "too many ids", "type": "too_long"}],
        )
    return ids


@router.get(
    "/high-card-duel/export.jsonl",
    summary="High Card Duel traces as JSONL, in the `trace` export shape",
    description=(
        "One `trace` record (`{id, prompts, trace_steps, final_answer, metadata}`) per line, "
        "oldest first, streamed. `trace_ids` (comma-separated or repeated) narrows the export "
        "to those traces; `limit` caps the number of lines."
    ),
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}, "description": "NDJSON."}},
)
async def export_jsonl(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=1_000_000)] = 1_000,
    trace_ids: Annotated[list[str] | None, Query()] = None,
) -> StreamingResponse:
    ids = _parse_ids(trace_ids) if trace_ids else None
    flt = TraceFilter(source=ungar.SOURCE, metadata={"game": ungar.GAME})
    # The session lives as long as the stream, not the request handler.
    session = request.app.state.sessionmaker()
    try:
        rows = stream_traces(session, flt, trace_ids=ids, limit=limit)
        # The query runs now, so that a failure is an error status, not a cut-off stream.
        first: Trace | None = await rows.__anext__()
    except StopAsyncIteration:
        first = None
    except BaseException:
        await session.close()
        raise

    async def lines() -> AsyncIterator[bytes]:
        piece = bytearray()
        try:
            if first is not None:
                piece += _record_line(first)
                async for trace in rows:
                    if len(piece) >= _EXPORT_PIECE_BYTES:
                        yield bytes(piece)
                        piece.clear()
                    piece += _record_line(trace)
            if piece:
                yield bytes(piece)
        finally:
            await rows.aclose()
            await session.close()

    return StreamingResponse(
        lines(),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": 'attachment; filename="high-card-duel.jsonl"'},
    )
