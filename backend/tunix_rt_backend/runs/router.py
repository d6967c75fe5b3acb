"""HTTP for the run registry."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import TypeAdapter

from tunix_rt_backend.deps import SessionDep, SettingsDep
from tunix_rt_backend.http import json_body_openapi, parse_json, read_body
from tunix_rt_backend.openapi import ERROR_RESPONSES
from tunix_rt_backend.runs import service
from tunix_rt_backend.runs.schemas import (
    MAX_STEP,
    MetricList,
    MetricsAccepted,
    MetricsIn,
    RunCreate,
    RunKind,
    RunList,
    RunRead,
    RunStatus,
    RunUpdate,
)

router = APIRouter(prefix="/api/runs", tags=["runs"], responses=ERROR_RESPONSES)

_CREATE = TypeAdapter(RunCreate)
_UPDATE = TypeAdapter(RunUpdate)
_METRICS = TypeAdapter(MetricsIn)
_BODY_LIMIT = 5_000_000


@router.post(
    "",
    status_code=201,
    summary="Register a training run",
    openapi_extra=json_body_openapi(RunCreate),
)
async def create(request: Request, session: SessionDep) -> RunRead:
    payload = parse_json(_CREATE, await read_body(request, _BODY_LIMIT))
    return await service.create(session, payload=payload)


@router.get("", summary="Runs, newest first")
async def list_runs(
    session: SessionDep,
    settings: SettingsDep,
    status: RunStatus | None = None,
    kind: RunKind | None = None,
    parent_run_id: Annotated[
        uuid.UUID | None, Query(description="Only the runs started from this run.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> RunList:
    return await service.list_(
        session,
        status=status,
        kind=kind,
        parent_run_id=parent_run_id,
        limit=limit,
        heartbeat_timeout_s=settings.run_heartbeat_timeout_s,
    )


@router.get(
    "/{run_id}",
    summary="One run",
    description="A running run silent for longer than the heartbeat timeout is reported failed.",
)
async def get(session: SessionDep, settings: SettingsDep, run_id: uuid.UUID) -> RunRead:
    return await service.get(
        session, run_id=run_id, heartbeat_timeout_s=settings.run_heartbeat_timeout_s
    )


@router.patch(
    "/{run_id}",
    summary="Update a run's status, error, artifacts or summary (an empty body is a heartbeat)",
    openapi_extra=json_body_openapi(RunUpdate),
)
async def update(request: Request, session: SessionDep, run_id: uuid.UUID) -> RunRead:
    payload = parse_json(_UPDATE, await read_body(request, _BODY_LIMIT))
    return await service.update(session, run_id=run_id, payload=payload)


@router.post(
    "/{run_id}/metrics",
    status_code=201,
    summary="Record a batch of metrics (a step sent again replaces its value)",
    openapi_extra=json_body_openapi(MetricsIn),
)
async def add_metrics(request: Request, session: SessionDep, run_id: uuid.UUID) -> MetricsAccepted:
    payload = parse_json(_METRICS, await read_body(request, _BODY_LIMIT))
    return await service.add_metrics(session, run_id=run_id, payload=payload)


@router.get("/{run_id}/metrics", summary="A run's metrics, by name then step")
async def metrics(
    session: SessionDep,
    run_id: uuid.UUID,
    name: Annotated[str | None, Query(max_length=64)] = None,
    after_step: Annotated[int | None, Query(ge=-1, le=MAX_STEP)] = None,
) -> MetricList:
    return await service.metrics(session, run_id=run_id, name=name, after_step=after_step)
