"""Evaluation queries. Never commits."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.evaluations.models import Evaluation, EvaluationItem
from tunix_rt_backend.scores.models import Score
from tunix_rt_backend.traces.models import Trace

PREVIEW_CHARS = 200


async def get(session: AsyncSession, evaluation_id: uuid.UUID) -> Evaluation | None:
    return await session.get(Evaluation, evaluation_id)


async def list_all(
    session: AsyncSession, *, run_id: uuid.UUID | None, limit: int
) -> list[Evaluation]:
    stmt = select(Evaluation)
    if run_id is not None:
        stmt = stmt.where(Evaluation.run_id == run_id)
    stmt = stmt.order_by(Evaluation.created_at.desc(), Evaluation.id.desc()).limit(limit)
    return list((await session.execute(stmt)).scalars().all())


async def add(
    session: AsyncSession, evaluation: Evaluation, items: Sequence[dict[str, Any]]
) -> None:
    session.add(evaluation)
    await session.flush()
    for start in range(0, len(items), 5_000):
        await session.execute(insert(EvaluationItem), list(items[start : start + 5_000]))


async def item_scores(
    session: AsyncSession, evaluation_id: uuid.UUID
) -> dict[str, tuple[uuid.UUID, dict[str, float]]]:
    """item_id → (trace id, {scorer: value}) for the automatic scores of an evaluation."""
    items = await session.execute(
        select(EvaluationItem.item_id, EvaluationItem.trace_id).where(
            EvaluationItem.evaluation_id == evaluation_id
        )
    )
    out: dict[str, tuple[uuid.UUID, dict[str, float]]] = {
        item_id: (trace_id, {}) for item_id, trace_id in items
    }
    by_trace = {trace_id: item_id for item_id, (trace_id, _) in out.items()}
    scores = await session.execute(
        select(Score.trace_id, Score.name, Score.value)
        .join(EvaluationItem, EvaluationItem.trace_id == Score.trace_id)
        .where(EvaluationItem.evaluation_id == evaluation_id, Score.source == "auto")
        .order_by(Score.created_at)
    )
    for trace_id, name, value in scores:
        out[by_trace[trace_id]][1][name] = value
    return out


async def page_items(
    session: AsyncSession,
    evaluation_id: uuid.UUID,
    *,
    offset: int,
    limit: int,
    item_ids: Sequence[str] | None = None,
) -> list[Any]:
    """Items in evaluation order, with their trace's preview, answers and metadata (which holds
    the raw response): the page at ``offset``, or exactly ``item_ids`` (at most a page)."""
    stmt = (
        select(
            EvaluationItem.item_id,
            EvaluationItem.trace_id,
            func.substr(Trace.prompt, 1, PREVIEW_CHARS).label("prompt_preview"),
            Trace.final_answer,
            Trace.reference_answer,
            Trace.meta,
        )
        .join(Trace, Trace.id == EvaluationItem.trace_id)
        .where(EvaluationItem.evaluation_id == evaluation_id)
        .order_by(EvaluationItem.position)
    )
    if item_ids is not None:
        stmt = stmt.where(EvaluationItem.item_id.in_(list(item_ids)))
    else:
        stmt = stmt.offset(offset).limit(limit)
    return list((await session.execute(stmt)).all())


async def item_order(session: AsyncSession, evaluation_id: uuid.UUID) -> list[str]:
    """The evaluation's item ids in evaluation order."""
    rows = await session.execute(
        select(EvaluationItem.item_id)
        .where(EvaluationItem.evaluation_id == evaluation_id)
        .order_by(EvaluationItem.position)
    )
    return list(rows.scalars())


async def trace_briefs(
    session: AsyncSession, trace_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, str, str | None]]:
    """trace id → (prompt preview, final answer, reference answer)."""
    out: dict[uuid.UUID, tuple[str, str, str | None]] = {}
    for start in range(0, len(trace_ids), 5_000):
        rows = await session.execute(
            select(
                Trace.id,
                func.substr(Trace.prompt, 1, PREVIEW_CHARS),
                Trace.final_answer,
                Trace.reference_answer,
            ).where(Trace.id.in_(trace_ids[start : start + 5_000]))
        )
        out.update({row[0]: (row[1], row[2], row[3]) for row in rows})
    return out
