"""HTTP for evaluations and before/after comparison."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import TypeAdapter

from tunix_rt_backend.deps import SessionDep, SettingsDep
from tunix_rt_backend.evaluations import service
from tunix_rt_backend.evaluations.schemas import (
    EvaluationComparison,
    EvaluationCreate,
    EvaluationItemPage,
    EvaluationList,
    EvaluationRead,
)
from tunix_rt_backend.http import json_body_openapi, parse_json, read_body
from tunix_rt_backend.openapi import ERROR_RESPONSES

router = APIRouter(prefix="/api/evaluations", tags=["evaluations"], responses=ERROR_RESPONSES)

_CREATE = TypeAdapter(EvaluationCreate)


@router.post(
    "",
    status_code=201,
    summary="Record an evaluation: outputs are parsed, stored as eval traces and scored",
    openapi_extra=json_body_openapi(EvaluationCreate),
)
async def create(request: Request, session: SessionDep, settings: SettingsDep) -> EvaluationRead:
    payload = parse_json(_CREATE, await read_body(request, settings.max_batch_bytes))
    return await service.create(session, payload=payload, max_trace_bytes=settings.max_trace_bytes)


@router.get("", summary="Evaluations, newest first")
async def list_evaluations(
    session: SessionDep,
    run_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> EvaluationList:
    return await service.list_(session, run_id=run_id, limit=limit)


@router.get(
    "/compare",
    summary="Before/after: per-scorer paired deltas with 95% intervals, items fixed and broken",
)
async def compare(
    session: SessionDep,
    before: uuid.UUID,
    after: uuid.UUID,
    key_scorer: Annotated[str, Query(min_length=1, max_length=128)] = "answer_match",
) -> EvaluationComparison:
    return await service.compare(session, before_id=before, after_id=after, key_scorer=key_scorer)


@router.get("/{evaluation_id}", summary="One evaluation with its per-scorer summary")
async def get(session: SessionDep, evaluation_id: uuid.UUID) -> EvaluationRead:
    return await service.get(session, evaluation_id=evaluation_id)


@router.get("/{evaluation_id}/items", summary="An evaluation's items with their scores")
async def items(
    session: SessionDep,
    evaluation_id: uuid.UUID,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    scorer: Annotated[
        str | None,
        Query(max_length=128, description="Keep the items whose score of this scorer is in range."),
    ] = None,
    min_value: Annotated[float | None, Query(allow_inf_nan=False)] = None,
    max_value: Annotated[
        float | None, Query(allow_inf_nan=False, description="e.g. answer_match, 0: wrong answers")
    ] = None,
) -> EvaluationItemPage:
    return await service.items(
        session,
        evaluation_id=evaluation_id,
        offset=offset,
        limit=limit,
        scorer=scorer,
        min_value=min_value,
        max_value=max_value,
    )
