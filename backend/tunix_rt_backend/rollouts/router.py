"""HTTP for a run's GRPO rollouts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from pydantic import TypeAdapter

from tunix_rt_backend.deps import SessionDep, SettingsDep
from tunix_rt_backend.http import json_body_openapi, parse_json, read_body
from tunix_rt_backend.openapi import ERROR_RESPONSES
from tunix_rt_backend.rollouts import service
from tunix_rt_backend.rollouts.schemas import (
    RolloutsIn,
    RolloutsStored,
    RolloutStepList,
    RolloutStepRead,
)
from tunix_rt_backend.runs.schemas import MAX_STEP

router = APIRouter(
    prefix="/api/runs/{run_id}/rollouts", tags=["rollouts"], responses=ERROR_RESPONSES
)

_CREATE = TypeAdapter(RolloutsIn)


@router.post(
    "",
    status_code=201,
    summary="Record a step's sampled completions: stored as rollout traces and scored",
    description=(
        "One transaction. 201 when stored; 200 with what is stored when the run already has "
        "this step (a retry): nothing is written twice. trace_ids are by group, then index."
    ),
    responses={200: {"model": RolloutsStored, "description": "Step already recorded."}},
    openapi_extra=json_body_openapi(RolloutsIn),
)
async def create(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    run_id: uuid.UUID,
) -> RolloutsStored:
    payload = parse_json(_CREATE, await read_body(request, settings.max_batch_bytes))
    stored = await service.create(
        session, run_id=run_id, payload=payload, max_trace_bytes=settings.max_trace_bytes
    )
    if not stored.created:
        response.status_code = 200
    return stored


@router.get("", summary="The steps that have rollouts, with their mean reward and scores")
async def list_steps(session: SessionDep, run_id: uuid.UUID) -> RolloutStepList:
    return await service.list_steps(session, run_id=run_id)


@router.get("/{step}", summary="One step's groups and completions with their scores")
async def get_step(
    session: SessionDep,
    run_id: uuid.UUID,
    step: Annotated[int, Path(ge=0, le=MAX_STEP)],
) -> RolloutStepRead:
    return await service.get_step(session, run_id=run_id, step=step)
