"""Run registry use cases: register, update status, record and read metrics."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.db import utcnow
from tunix_rt_backend.errors import Conflict, NotFound
from tunix_rt_backend.ids import uuid7
from tunix_rt_backend.runs import repository as repo
from tunix_rt_backend.runs.models import Run
from tunix_rt_backend.runs.schemas import (
    TERMINAL,
    MetricList,
    MetricRead,
    MetricsAccepted,
    MetricsIn,
    RunCreate,
    RunList,
    RunRead,
    RunUpdate,
)


def to_read(run: Run) -> RunRead:
    return RunRead.model_validate(run, from_attributes=True)


async def _get(session: AsyncSession, run_id: uuid.UUID) -> Run:
    run = await repo.get(session, run_id)
    if run is None:
        raise NotFound(f"No run with id {run_id}.")
    return run


async def create(session: AsyncSession, *, payload: RunCreate) -> RunRead:
    if payload.parent_run_id is not None and await repo.get(session, payload.parent_run_id) is None:
        raise NotFound(
            f"Parent run {payload.parent_run_id} does not exist; register it first or leave "
            "parent_run_id out.",
            details=[{"loc": ["body", "parent_run_id"], "msg": "unknown run", "type": "not_found"}],
        )
    now = utcnow()
    run = Run(
        id=uuid7(),
        kind=payload.kind,
        name=payload.name,
        status=payload.status,
        dataset_key=payload.dataset_key,
        dataset_checksum=payload.dataset_checksum,
        base_model=payload.base_model,
        config=payload.config,
        seed=payload.seed,
        git_sha=payload.git_sha,
        artifacts=payload.artifacts,
        summary={},
        error=None,
        created_at=now,
        started_at=now if payload.status == "running" else None,
        finished_at=None,
        heartbeat_at=now,
        parent_run_id=payload.parent_run_id,
    )
    repo.add(session, run)
    await session.commit()
    return to_read(run)


async def update(session: AsyncSession, *, run_id: uuid.UUID, payload: RunUpdate) -> RunRead:
    run = await _get(session, run_id)
    now = utcnow()
    if payload.status is not None and payload.status != run.status:
        if run.status == "succeeded":
            raise Conflict(f"Run {run_id} has succeeded; its status can no longer change.")
        if payload.status == "queued" and run.status != "queued":
            raise Conflict(f"Run {run_id} is {run.status}; it cannot go back to queued.")
        run.status = payload.status
        if payload.status == "running":
            # A failed or cancelled run that resumes from its checkpoint runs again.
            run.started_at = run.started_at or now
            run.finished_at = None
            run.error = None
        elif payload.status in TERMINAL:
            run.finished_at = now
    if payload.error is not None:
        run.error = payload.error
    if payload.artifacts is not None:
        run.artifacts = {**run.artifacts, **payload.artifacts}
    if payload.summary is not None:
        run.summary = {**run.summary, **payload.summary}
    run.heartbeat_at = now
    await session.commit()
    return to_read(run)


async def ensure_exists(session: AsyncSession, *, run_id: uuid.UUID) -> None:
    await _get(session, run_id)


async def reap(session: AsyncSession, *, heartbeat_timeout_s: float) -> None:
    """A running run that stopped sending heartbeats (metrics or PATCH) has died: say so."""
    now = utcnow()
    older_than = now - dt.timedelta(seconds=heartbeat_timeout_s)
    if await repo.fail_silent_runs(session, older_than=older_than, now=now):
        await session.commit()


async def get(session: AsyncSession, *, run_id: uuid.UUID, heartbeat_timeout_s: float) -> RunRead:
    await reap(session, heartbeat_timeout_s=heartbeat_timeout_s)
    return to_read(await _get(session, run_id))


async def list_(
    session: AsyncSession,
    *,
    status: str | None,
    kind: str | None,
    parent_run_id: uuid.UUID | None,
    limit: int,
    heartbeat_timeout_s: float,
) -> RunList:
    await reap(session, heartbeat_timeout_s=heartbeat_timeout_s)
    runs = await repo.list_runs(
        session, status=status, kind=kind, parent_run_id=parent_run_id, limit=limit
    )
    return RunList(items=[to_read(r) for r in runs])


async def add_metrics(
    session: AsyncSession, *, run_id: uuid.UUID, payload: MetricsIn
) -> MetricsAccepted:
    run = await _get(session, run_id)
    now = utcnow()
    rows = {
        (m.name, m.step): {
            "run_id": run_id,
            "name": m.name,
            "step": m.step,
            "value": m.value,
            "time": m.time or now,
        }
        for m in payload.metrics
    }
    await repo.upsert_metrics(session, list(rows.values()))
    run.heartbeat_at = now
    await session.commit()
    return MetricsAccepted(accepted=len(payload.metrics))


async def metrics(
    session: AsyncSession, *, run_id: uuid.UUID, name: str | None, after_step: int | None
) -> MetricList:
    await _get(session, run_id)
    rows = await repo.list_metrics(session, run_id, name=name, after_step=after_step)
    return MetricList(
        items=[MetricRead(step=r.step, name=r.name, value=r.value, time=r.time) for r in rows],
        names=await repo.metric_names(session, run_id),
    )
