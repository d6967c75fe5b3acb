"""HTTP for datasets: build, preview, list, read, export."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import FileResponse, Response, StreamingResponse
from pydantic import TypeAdapter

from tunix_rt_backend.contracts.records import ExportFormat
from tunix_rt_backend.contracts.template import ResponseStyle
from tunix_rt_backend.datasets import service, store
from tunix_rt_backend.datasets.schemas import (
    DatasetBuildRequest,
    DatasetBuildResult,
    DatasetList,
    DatasetPreview,
    DatasetRead,
)
from tunix_rt_backend.deps import SessionDep, SettingsDep
from tunix_rt_backend.http import json_body_openapi, parse_json, read_body
from tunix_rt_backend.openapi import ERROR_RESPONSES

router = APIRouter(prefix="/api/datasets", tags=["datasets"], responses=ERROR_RESPONSES)

_BUILD = TypeAdapter(DatasetBuildRequest)
_BODY_LIMIT = 1_000_000
DatasetKey = Annotated[str, Query(max_length=128)]


@router.post(
    "/build",
    status_code=201,
    summary="Build an immutable, versioned dataset",
    description=(
        "Selects traces in SQL (filters, strategy, seed, limit), optionally deduplicates and "
        "splits them by prompt, records the manifest and indexes it. The same key twice is 409."
    ),
    openapi_extra=json_body_openapi(DatasetBuildRequest),
)
async def build(request: Request, session: SessionDep, settings: SettingsDep) -> DatasetBuildResult:
    body = parse_json(_BUILD, await read_body(request, _BODY_LIMIT))
    return await service.build(session, request=body, root=settings.datasets_dir)


@router.post(
    "/preview",
    summary="How many traces a build request would select",
    openapi_extra=json_body_openapi(DatasetBuildRequest),
)
async def preview(request: Request, session: SessionDep) -> DatasetPreview:
    body = parse_json(_BUILD, await read_body(request, _BODY_LIMIT))
    return await service.preview(session, request=body)


@router.get("", summary="Every dataset, newest first")
async def list_datasets(session: SessionDep) -> DatasetList:
    return await service.list_(session)


@router.get("/{key}", summary="One dataset: manifest fields and stats, without the id lists")
async def get(session: SessionDep, key: str) -> DatasetRead:
    return await service.get(session, key=key)


@router.get(
    "/{key}/manifest.json",
    summary="The full manifest file, with every trace id in order and the split lists",
    response_class=FileResponse,
)
async def manifest(session: SessionDep, settings: SettingsDep, key: str) -> FileResponse:
    await service.get(session, key=key)
    path = store.manifest_path(settings.datasets_dir, key)
    return FileResponse(path, media_type="application/json")


@router.get(
    "/{key}/export.jsonl",
    summary="Export the dataset as JSON Lines, streamed in manifest order",
    description=(
        "Byte-identical on every call; the ETag is the dataset checksum. `style` and `system` "
        "apply to the formats that render the Gemma turn (`tunix_sft`, `chat`, `prompt_only`)."
    ),
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/x-ndjson": {}}, "description": "One record per line."},
        304: {"description": "Unchanged (If-None-Match matched the ETag)."},
    },
)
async def export(
    request: Request,
    session: SessionDep,
    key: str,
    format: ExportFormat = "trace",
    split: Literal["train", "eval"] | None = None,
    style: ResponseStyle = "tags",
    system: Annotated[str | None, Query(max_length=4000)] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    dataset = await service.get(session, key=key)
    # Give the request's connection back now: the stream takes its own, and holding both would
    # let concurrent exports exhaust the pool while each waits for its second connection.
    await session.close()
    etag = f'"{dataset.checksum}"'
    if if_none_match is not None and etag in {t.strip() for t in if_none_match.split(",")}:
        return Response(status_code=304, headers={"ETag": etag})
    maker = request.app.state.sessionmaker

    async def lines() -> AsyncIterator[bytes]:
        # Its own session: the stream outlives the request's dependencies.
        async with (
            maker() as stream_session,
            aclosing(
                service.export_lines(
                    stream_session, key=key, format=format, split=split, style=style, system=system
                )
            ) as blocks,
        ):
            async for block in blocks:
                yield block

    filename = f"{key}.{format}{'.' + split if split else ''}.jsonl"
    return StreamingResponse(
        lines(),
        media_type="application/x-ndjson",
        headers={
            "ETag": etag,
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-cache",
        },
    )
