"""Run and metric queries. Never commits."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.runs.models import Run, RunMetric


async def get(session: AsyncSession, run_id: uuid.UUID) -> Run | None:
    return await session.get(Run, run_id)


def add(session: AsyncSession, run: Run) -> None:
    session.add(run)


async def fail_silent_runs(
    session: AsyncSession, *, older_than: dt.datetime, now: dt.datetime
) -> int:
    """Mark running runs whose last heartbeat is before ``older_than`` as failed."""
    result = await session.execute(
        update(Run)
        .where(Run.status == "running", Run.heartbeat_at < older_than)
        .values(
            status="failed",
            finished_at=now,
            error=(
                "The training process stopped reporting (killed or crashed) without marking the "
                "run finished. Run the same command again to resume from its last checkpoint."
            ),
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def list_runs(
    session: AsyncSession,
    *,
    status: str | None,
    kind: str | None,
    parent_run_id: uuid.UUID | None,
    limit: int,
) -> list[Run]:
    stmt = select(Run)
    if status is not None:
        stmt = stmt.where(Run.status == status)
    if kind is not None:
        stmt = stmt.where(Run.kind == kind)
    if parent_run_id is not None:
        stmt = stmt.where(Run.parent_run_id == parent_run_id)
    stmt = stmt.order_by(Run.created_at.desc(), Run.id.desc()).limit(limit)
    return list((await session.execute(stmt)).scalars().all())


async def upsert_metrics(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert metrics; a (run, name, step) sent again (a resumed run) replaces the value."""
    if not rows:
        return
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for start in range(0, len(rows), 2_000):
        stmt = insert(RunMetric).values(list(rows[start : start + 2_000]))
        stmt = stmt.on_conflict_do_update(
            index_elements=[RunMetric.run_id, RunMetric.name, RunMetric.step],
            set_={"value": stmt.excluded.value, "time": stmt.excluded.time},
        )
        await session.execute(stmt)


async def list_metrics(
    session: AsyncSession, run_id: uuid.UUID, *, name: str | None, after_step: int | None
) -> list[RunMetric]:
    stmt = select(RunMetric).where(RunMetric.run_id == run_id)
    if name is not None:
        stmt = stmt.where(RunMetric.name == name)
    if after_step is not None:
        stmt = stmt.where(RunMetric.step > after_step)
    stmt = stmt.order_by(RunMetric.name, RunMetric.step)
    return list((await session.execute(stmt)).scalars().all())


async def metric_names(session: AsyncSession, run_id: uuid.UUID) -> list[str]:
    result = await session.execute(
        select(RunMetric.name).where(RunMetric.run_id == run_id).distinct().order_by(RunMetric.name)
    )
    return list(result.scalars().all())
