"""Rollout queries. Never commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import distinct, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.rollouts.models import Rollout, RolloutStep
from tunix_rt_backend.scores.models import Score
from tunix_rt_backend.traces.models import Trace

_CHUNK = 5_000


async def get_step(session: AsyncSession, run_id: uuid.UUID, step: int) -> RolloutStep | None:
    return await session.get(RolloutStep, (run_id, step))


async def add_step(
    session: AsyncSession, step: RolloutStep, rollouts: Sequence[dict[str, Any]]
) -> None:
    session.add(step)
    await session.flush()
    for start in range(0, len(rollouts), _CHUNK):
        await session.execute(insert(Rollout), list(rollouts[start : start + _CHUNK]))


async def trace_ids(session: AsyncSession, run_id: uuid.UUID, step: int) -> list[uuid.UUID]:
    """The step's traces, by group then completion index."""
    result = await session.execute(
        select(Rollout.trace_id)
        .where(Rollout.run_id == run_id, Rollout.step == step)
        .order_by(Rollout.group_index, Rollout.completion_index)
    )
    return list(result.scalars().all())


async def steps(session: AsyncSession, run_id: uuid.UUID) -> list[RolloutStep]:
    result = await session.execute(
        select(RolloutStep).where(RolloutStep.run_id == run_id).order_by(RolloutStep.step)
    )
    return list(result.scalars().all())


async def step_counts(
    session: AsyncSession, run_id: uuid.UUID
) -> dict[int, tuple[int, int, float]]:
    """step → (groups, completions, mean reward) over the completions still stored."""
    result = await session.execute(
        select(
            Rollout.step,
            func.count(distinct(Rollout.group_index)),
            func.count(),
            func.avg(Rollout.reward),
        )
        .where(Rollout.run_id == run_id)
        .group_by(Rollout.step)
    )
    return {step: (groups, count, float(mean)) for step, groups, count, mean in result}


async def step_score_means(session: AsyncSession, run_id: uuid.UUID) -> dict[int, dict[str, float]]:
    """step → {scorer: mean of the completions' automatic scores} (a completion scored twice by
    one scorer counts once, with the mean of its values)."""
    per_trace = (
        select(
            Rollout.step.label("step"),
            Score.name.label("name"),
            func.avg(Score.value).label("value"),
        )
        .join(Score, Score.trace_id == Rollout.trace_id)
        .where(Rollout.run_id == run_id, Score.source == "auto")
        .group_by(Rollout.step, Rollout.trace_id, Score.name)
        .subquery()
    )
    result = await session.execute(
        select(per_trace.c.step, per_trace.c.name, func.avg(per_trace.c.value)).group_by(
            per_trace.c.step, per_trace.c.name
        )
    )
    out: dict[int, dict[str, float]] = {}
    for step, name, mean in result:
        out.setdefault(step, {})[name] = float(mean)
    return out


async def step_completions(session: AsyncSession, run_id: uuid.UUID, step: int) -> list[Any]:
    """The step's completions with their traces, by group then completion index."""
    result = await session.execute(
        select(
            Rollout.group_index,
            Rollout.completion_index,
            Rollout.trace_id,
            Rollout.advantage,
            Rollout.reward,
            Trace.prompt,
            Trace.reference_answer,
            Trace.final_answer,
            Trace.meta,
        )
        .join(Trace, Trace.id == Rollout.trace_id)
        .where(Rollout.run_id == run_id, Rollout.step == step)
        .order_by(Rollout.group_index, Rollout.completion_index)
    )
    return list(result.all())


async def auto_scores(
    session: AsyncSession, trace_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, float]]:
    """trace id → {scorer: latest automatic value}."""
    out: dict[uuid.UUID, dict[str, float]] = {}
    for start in range(0, len(trace_ids), _CHUNK):
        result = await session.execute(
            select(Score.trace_id, Score.name, Score.value)
            .where(Score.trace_id.in_(trace_ids[start : start + _CHUNK]), Score.source == "auto")
            .order_by(Score.created_at, Score.id)
        )
        for trace_id, name, value in result:
            out.setdefault(trace_id, {})[name] = value
    return out
