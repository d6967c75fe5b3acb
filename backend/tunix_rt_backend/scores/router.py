"""HTTP for scores and scorers."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from pydantic import TypeAdapter

from tunix_rt_backend.deps import SessionDep, SettingsDep
from tunix_rt_backend.http import json_body_openapi, parse_json, read_body
from tunix_rt_backend.openapi import ERROR_RESPONSES
from tunix_rt_backend.scores import service
from tunix_rt_backend.scores.schemas import (
    BulkScoreRequest,
    BulkScoreResult,
    ExternalScoreCreate,
    RunScorer,
    ScoreCreateBody,
    ScoreRead,
    ScorerRead,
)

router = APIRouter(tags=["scores"], responses=ERROR_RESPONSES)

_CREATE: TypeAdapter[RunScorer | ExternalScoreCreate] = TypeAdapter(RunScorer | ExternalScoreCreate)
_BULK = TypeAdapter(BulkScoreRequest)
_SMALL_BODY = 1_000_000


@router.get("/api/scorers", summary="The built-in scorers, with their versions")
async def list_scorers() -> list[ScorerRead]:
    return service.scorers()


@router.post(
    "/api/traces/{trace_id}/scores",
    status_code=201,
    summary="Score a trace",
    description=(
        'Either `{"scorer": NAME}` to run a built-in scorer, or `{"name", "value", "label"?, '
        '"details"?, "source": "human"|"judge"}` to store a score measured elsewhere.'
    ),
    openapi_extra=json_body_openapi(ScoreCreateBody),
)
async def create_score(
    request: Request, session: SessionDep, settings: SettingsDep, trace_id: uuid.UUID
) -> ScoreRead:
    body = await read_body(request, min(settings.max_trace_bytes, _SMALL_BODY))
    payload = parse_json(_CREATE, body)
    return await service.create(session, trace_id=trace_id, payload=payload)


@router.get("/api/traces/{trace_id}/scores", summary="A trace's scores, oldest first")
async def list_scores(session: SessionDep, trace_id: uuid.UUID) -> list[ScoreRead]:
    return await service.list_for_trace(session, trace_id=trace_id)


@router.post(
    "/api/scores/bulk",
    summary="Run a scorer over every trace matching a filter",
    description="Works in committed batches on the server; re-running skips what is scored.",
    openapi_extra=json_body_openapi(BulkScoreRequest),
)
async def score_bulk(request: Request, session: SessionDep) -> BulkScoreResult:
    body = await read_body(request, _SMALL_BODY)
    return await service.score_bulk(session, request=parse_json(_BULK, body))
