"""Rollout use cases: store a GRPO step's completions as scored traces, list steps, read one."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.contracts.completions import completion_trace
from tunix_rt_backend.contracts.trace import TraceContent
from tunix_rt_backend.db import utcnow
from tunix_rt_backend.errors import NotFound, PayloadTooLarge
from tunix_rt_backend.rollouts import repository as repo
from tunix_rt_backend.rollouts.models import RolloutStep
from tunix_rt_backend.rollouts.schemas import (
    MAX_COMPLETIONS,
    RolloutCompletionIn,
    RolloutCompletionRead,
    RolloutGroupIn,
    RolloutGroupRead,
    RolloutsIn,
    RolloutsStored,
    RolloutStepList,
    RolloutStepRead,
    RolloutStepSummary,
)
from tunix_rt_backend.runs import service as run_service
from tunix_rt_backend.scores import repository as score_repo
from tunix_rt_backend.scores.service import find_scorer, score_rows
from tunix_rt_backend.traces import service as trace_service
from tunix_rt_backend.traces.schemas import StepIn, TraceCreate

SOURCE = "rollout"


def _content(step: int, group: RolloutGroupIn, completion: RolloutCompletionIn) -> TraceContent:
    """Parsed and stored as evaluation outputs are, so a completion scores the same here as in
    the trainer's own reward (``contracts.score_completion``)."""
    return completion_trace(
        group.prompt,
        completion.response,
        group.reference_answer,
        metadata={
            "step": step,
            "group": group.group,
            "completion_index": completion.index,
            "item_id": group.item_id,
            "advantage": completion.advantage,
            "reward": completion.reward,
            "trainer_rewards": dict(completion.rewards),
        },
    )


def _trace(content: TraceContent, run_id: uuid.UUID) -> TraceCreate:
    return TraceCreate(
        prompt=content.prompt,
        steps=[StepIn(type=s.type, content=s.content) for s in content.steps],
        final_answer=content.final_answer,
        reference_answer=content.reference_answer,
        source=SOURCE,
        tags=[SOURCE],
        metadata=content.metadata,
        run_id=run_id,
    )


async def _replay(session: AsyncSession, run_id: uuid.UUID, step: int) -> RolloutsStored:
    ids = await repo.trace_ids(session, run_id, step)
    return RolloutsStored(step=step, stored=len(ids), trace_ids=ids, created=False)


async def create(
    session: AsyncSession, *, run_id: uuid.UUID, payload: RolloutsIn, max_trace_bytes: int
) -> RolloutsStored:
    """Store and score a step's completions in one transaction. A step already recorded for the
    run (a retry, or a run resumed from a checkpoint before it) answers what was stored."""
    scorers = [find_scorer(name, "scorers") for name in dict.fromkeys(payload.scorers)]
    slots = sorted(
        ((g, c) for g in payload.groups for c in g.completions),
        key=lambda slot: (slot[0].group, slot[1].index),
    )
    if len(slots) > MAX_COMPLETIONS:
        raise PayloadTooLarge(
            f"The request holds {len(slots)} completions; a step may record at most "
            f"{MAX_COMPLETIONS}. Record fewer groups (prompts) of the step.",
            details={"limit_completions": MAX_COMPLETIONS},
        )
    await run_service.ensure_exists(session, run_id=run_id)
    if await repo.get_step(session, run_id, payload.step) is not None:
        return await _replay(session, run_id, payload.step)
    contents = [_content(payload.step, g, c) for g, c in slots]
    try:
        batch = await trace_service.create_batch(
            session,
            payloads=[_trace(content, run_id) for content in contents],
            idempotency_key=None,
            max_trace_bytes=max_trace_bytes,
            commit=False,
        )
    except PayloadTooLarge as exc:
        index = exc.details.get("index") if isinstance(exc.details, dict) else None
        if index is None:
            raise
        group, completion = slots[index]
        raise PayloadTooLarge(
            f"Group {group.group}, completion {completion.index} is too large to store as a "
            f"trace: the limit is {max_trace_bytes} bytes per trace (TUNIX_RT_MAX_TRACE_BYTES). "
            "Generate fewer tokens or raise the limit.",
            details={
                "group": group.group,
                "completion": completion.index,
                "limit_bytes": max_trace_bytes,
            },
        ) from None
    rows = await asyncio.to_thread(score_rows, scorers, list(zip(batch.ids, contents, strict=True)))
    try:
        await score_repo.insert_many(session, rows)
        await repo.add_step(
            session,
            RolloutStep(
                run_id=run_id,
                step=payload.step,
                scorers=[s.name for s in scorers],
                weights=dict(payload.weights),
                created_at=utcnow(),
            ),
            [
                {
                    "run_id": run_id,
                    "step": payload.step,
                    "group_index": g.group,
                    "completion_index": c.index,
                    "trace_id": trace_id,
                    "advantage": c.advantage,
                    "reward": c.reward,
                }
                for (g, c), trace_id in zip(slots, batch.ids, strict=True)
            ],
        )
        await session.commit()
    except IntegrityError:
        # The same step arrived twice at once and the other request committed first.
        await session.rollback()
        if await repo.get_step(session, run_id, payload.step) is None:
            raise
        return await _replay(session, run_id, payload.step)
    return RolloutsStored(
        step=payload.step, stored=len(batch.ids), trace_ids=batch.ids, created=True
    )


async def list_steps(session: AsyncSession, *, run_id: uuid.UUID) -> RolloutStepList:
    await run_service.ensure_exists(session, run_id=run_id)
    counts = await repo.step_counts(session, run_id)
    means = await repo.step_score_means(session, run_id)
    out: list[RolloutStepSummary] = []
    for row in await repo.steps(session, run_id):
        groups, completions, reward_mean = counts.get(row.step, (0, 0, None))
        step_means = means.get(row.step, {})
        out.append(
            RolloutStepSummary(
                step=row.step,
                groups=groups,
                completions=completions,
                reward_mean=reward_mean,
                scores={name: step_means[name] for name in row.scorers if name in step_means},
            )
        )
    return RolloutStepList(steps=out)


async def get_step(session: AsyncSession, *, run_id: uuid.UUID, step: int) -> RolloutStepRead:
    await run_service.ensure_exists(session, run_id=run_id)
    recorded = await repo.get_step(session, run_id, step)
    if recorded is None:
        raise NotFound(
            f"Run {run_id} has no rollouts at step {step}; GET /api/runs/{run_id}/rollouts "
            "lists the steps it has."
        )
    rows = await repo.step_completions(session, run_id, step)
    scores = await repo.auto_scores(session, [row.trace_id for row in rows])
    groups: dict[int, RolloutGroupRead] = {}
    for row in rows:
        group = groups.get(row.group_index)
        if group is None:
            group = groups[row.group_index] = RolloutGroupRead(
                group=row.group_index,
                item_id=str(row.meta.get("item_id", "")),
                prompt=row.prompt,
                reference_answer=row.reference_answer,
                completions=[],
            )
        response = row.meta.get("response")
        group.completions.append(
            RolloutCompletionRead(
                trace_id=row.trace_id,
                index=row.completion_index,
                response=response if isinstance(response, str) else "",
                final_answer=row.final_answer,
                advantage=row.advantage,
                reward=row.reward,
                scores=scores.get(row.trace_id, {}),
            )
        )
    return RolloutStepRead(
        step=step,
        scorers=list(recorded.scorers),
        weights=dict(recorded.weights),
        groups=list(groups.values()),
    )
