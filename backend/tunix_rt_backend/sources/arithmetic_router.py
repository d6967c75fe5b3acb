"""HTTP for generated sources: ``POST /api/sources/arithmetic/generate``."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import TypeAdapter

from tunix_rt_backend.contracts.arithmetic import ArithmeticSpec
from tunix_rt_backend.deps import SessionDep, SettingsDep
from tunix_rt_backend.errors import PayloadTooLarge
from tunix_rt_backend.http import json_body_openapi, parse_json, read_body
from tunix_rt_backend.openapi import ERROR_RESPONSES
from tunix_rt_backend.sources import arithmetic
from tunix_rt_backend.sources.schemas import ArithmeticResult

router = APIRouter(prefix="/api/sources", tags=["sources"], responses=ERROR_RESPONSES)

_SPEC = TypeAdapter(ArithmeticSpec)
_SMALL_BODY = 10_000


@router.post(
    "/arithmetic/generate",
    status_code=201,
    summary="Generate multi-step arithmetic word problems and store them as traces",
    description=(
        "Draws `count` problems with distinct prompts from `seed` (the same spec gives the "
        "same traces), each with one worked step per operation, and stores them with "
        "`source=arithmetic` in one transaction. 201 when new traces were stored, 200 when "
        "every one was already stored (a repeated request stores nothing). 422 when the spec "
        "is invalid or its ranges hold fewer than `count` distinct problems; 413 when `count` "
        "exceeds the server's limit (TUNIX_RT_MAX_GENERATED_TRACES, 100,000 by default)."
    ),
    responses={200: {"model": ArithmeticResult, "description": "All already stored."}},
    openapi_extra=json_body_openapi(ArithmeticSpec),
)
async def generate_arithmetic(
    request: Request, response: Response, session: SessionDep, settings: SettingsDep
) -> ArithmeticResult:
    spec = parse_json(_SPEC, await read_body(request, _SMALL_BODY))
    limit = settings.max_generated_traces
    if spec.count > limit:
        raise PayloadTooLarge(
            f"count is {spec.count}; this server generates at most {limit} traces per request "
            "(TUNIX_RT_MAX_GENERATED_TRACES). Ask for fewer, or run `tunix-rt import "
            "arithmetic` on the server's database.",
            details={"limit_traces": limit},
        )
    result = await arithmetic.generate(session, spec=spec, max_trace_bytes=settings.max_trace_bytes)
    if result.created == 0:
        response.status_code = 200
    return result
