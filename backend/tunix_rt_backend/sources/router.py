"""HTTP for imports: ``POST /api/traces/import`` streams the uploaded file into the store."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import ValidationError
from starlette.requests import ClientDisconnect

from tunix_rt_backend.contracts.parsing import ResponseParser
from tunix_rt_backend.deps import SessionDep, SettingsDep
from tunix_rt_backend.errors import BadRequest, Invalid, PayloadTooLarge, validation_details
from tunix_rt_backend.openapi import ERROR_RESPONSES
from tunix_rt_backend.sources import jsonl
from tunix_rt_backend.sources.importer import build_converter, import_stream, limited
from tunix_rt_backend.sources.schemas import ImportFormat, ImportOptions, ImportResult

router = APIRouter(prefix="/api/traces", tags=["traces"], responses=ERROR_RESPONSES)

_UPLOAD_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The file itself as the body: one JSON object per line (JSONL).",
        "content": {
            "application/x-ndjson": {"schema": {"type": "string", "format": "binary"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


def _options(
    format: ImportFormat,
    source: str | None,
    map_items: list[str],
    parser: ResponseParser,
    split: str | None,
    keep_calculator_marks: bool,
    skip_invalid: bool,
) -> ImportOptions:
    try:
        options = ImportOptions(
            format=format,
            source=source,
            mapping=jsonl.parse_map(map_items),
            parser=parser,
            split=split,
            keep_calculator_marks=keep_calculator_marks,
            skip_invalid=skip_invalid,
        )
        build_converter(options)  # refuses options that do not fit together
    except ValidationError as exc:
        raise Invalid(
            "The import options are not valid: see details.",
            details=validation_details(exc.errors(include_input=False)),
        ) from None
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    return options


@router.post(
    "/import",
    summary="Import a JSONL file (GSM8K rows, your own records, model outputs)",
    description=(
        "Send the file as the request body. It is read as it arrives (never buffered whole), "
        "each line validated, and the traces stored in one transaction. A malformed line gives "
        "422 listing the bad lines and nothing is stored, unless `skip_invalid=true`. Traces "
        "already stored (same content) are counted as `existing`, not stored again."
    ),
    openapi_extra=_UPLOAD_OPENAPI,
)
async def import_traces(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    format: ImportFormat,
    source: Annotated[str | None, Query(max_length=128)] = None,
    map: Annotated[
        list[str] | None,
        Query(description="jsonl: FIELD=PATH, repeated (prompt=question, response=out.text)."),
    ] = None,
    parser: ResponseParser = "tags",
    split: Annotated[str | None, Query(max_length=64)] = None,
    keep_calculator_marks: bool = False,
    skip_invalid: bool = False,
) -> ImportResult:
    options = _options(
        format, source, map or [], parser, split, keep_calculator_marks, skip_invalid
    )
    declared = request.headers.get("content-length")
    limit = settings.max_upload_bytes
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(
            f"The upload is {int(declared)} bytes; the limit is {limit} bytes.",
            details={"limit_bytes": limit},
        )
    try:
        return await import_stream(
            session,
            limited(request.stream(), limit),
            options,
            max_trace_bytes=settings.max_trace_bytes,
        )
    except ClientDisconnect:  # nobody is left to answer; say so in the log, not as a crash
        raise BadRequest("The upload was interrupted; nothing was stored.") from None
