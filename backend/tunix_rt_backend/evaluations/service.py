"""Evaluation use cases: record a model's outputs (parsed, stored as traces, scored), compare."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.contracts.completions import completion_trace
from tunix_rt_backend.contracts.scorers import Scorer
from tunix_rt_backend.contracts.stats import mean_interval, paired_mean_delta
from tunix_rt_backend.contracts.trace import RESPONSE_METADATA_KEY, TraceContent
from tunix_rt_backend.db import utcnow
from tunix_rt_backend.errors import Invalid, NotFound
from tunix_rt_backend.evaluations import repository as repo
from tunix_rt_backend.evaluations.models import Evaluation
from tunix_rt_backend.evaluations.schemas import (
    ChangedItem,
    EvaluationComparison,
    EvaluationCreate,
    EvaluationItemPage,
    EvaluationItemRead,
    EvaluationList,
    EvaluationRead,
    ScorerDelta,
    ScorerSummary,
)
from tunix_rt_backend.ids import uuid7
from tunix_rt_backend.runs import service as run_service
from tunix_rt_backend.scores import repository as score_repo
from tunix_rt_backend.scores.service import find_scorer, score_rows
from tunix_rt_backend.traces import service as trace_service
from tunix_rt_backend.traces.schemas import StepIn, TraceCreate

MAX_CHANGED_LISTED = 500


def to_read(evaluation: Evaluation) -> EvaluationRead:
    return EvaluationRead(
        id=evaluation.id,
        name=evaluation.name,
        model=evaluation.model,
        run_id=evaluation.run_id,
        dataset_key=evaluation.dataset_key,
        split=evaluation.split,
        scorers=list(evaluation.scorers),
        item_count=evaluation.item_count,
        summary={k: ScorerSummary(**v) for k, v in evaluation.summary.items()},
        config=dict(evaluation.config),
        created_at=evaluation.created_at,
    )


def _scorers(names: list[str]) -> list[Scorer]:
    return [find_scorer(name, "scorers") for name in dict.fromkeys(names)]


async def create(
    session: AsyncSession, *, payload: EvaluationCreate, max_trace_bytes: int
) -> EvaluationRead:
    """Parse each response, store it as an eval trace, score it, and summarise: one transaction."""
    scorers = _scorers(payload.scorers)
    if payload.run_id is not None:
        await run_service.ensure_exists(session, run_id=payload.run_id)
    evaluation_id = uuid7()
    traces: list[TraceCreate] = []
    contents: list[TraceContent] = []
    for item in payload.items:
        # The same trace the trainer scores (contracts.score_completion): the values agree.
        content = completion_trace(
            item.prompt,
            item.response,
            item.reference_answer,
            metadata={
                **item.metadata,
                "evaluation_id": str(evaluation_id),
                "item_id": item.item_id,
                "model": payload.model,
            },
        )
        traces.append(
            TraceCreate(
                prompt=content.prompt,
                steps=[StepIn(type=s.type, content=s.content) for s in content.steps],
                final_answer=content.final_answer,
                reference_answer=content.reference_answer,
                source="eval",
                tags=["eval"],
                metadata=content.metadata,
                run_id=payload.run_id,
            )
        )
        contents.append(content)
    batch = await trace_service.create_batch(
        session,
        payloads=traces,
        idempotency_key=None,
        max_trace_bytes=max_trace_bytes,
        commit=False,
    )
    rows = await asyncio.to_thread(score_rows, scorers, list(zip(batch.ids, contents, strict=True)))
    await score_repo.insert_many(session, rows)
    summary: dict[str, dict[str, Any]] = {}
    for scorer in scorers:
        values = [r["value"] for r in rows if r["name"] == scorer.name]
        mean, low, high = mean_interval(values)
        summary[scorer.name] = {"mean": mean, "ci_low": low, "ci_high": high, "count": len(values)}
    evaluation = Evaluation(
        id=evaluation_id,
        name=payload.name,
        run_id=payload.run_id,
        model=payload.model,
        dataset_key=payload.dataset_key,
        split=payload.split,
        scorers=[s.name for s in scorers],
        item_count=len(payload.items),
        summary=summary,
        config=payload.config,
        created_at=utcnow(),
    )
    await repo.add(
        session,
        evaluation,
        [
            {"evaluation_id": evaluation_id, "item_id": item.item_id, "position": i, "trace_id": t}
            for i, (item, t) in enumerate(zip(payload.items, batch.ids, strict=True))
        ],
    )
    await session.commit()
    return to_read(evaluation)


async def _get(session: AsyncSession, evaluation_id: uuid.UUID) -> Evaluation:
    evaluation = await repo.get(session, evaluation_id)
    if evaluation is None:
        raise NotFound(f"No evaluation with id {evaluation_id}.")
    return evaluation


async def get(session: AsyncSession, *, evaluation_id: uuid.UUID) -> EvaluationRead:
    return to_read(await _get(session, evaluation_id))


async def list_(session: AsyncSession, *, run_id: uuid.UUID | None, limit: int) -> EvaluationList:
    evaluations = await repo.list_all(session, run_id=run_id, limit=limit)
    return EvaluationList(items=[to_read(e) for e in evaluations])


def _within(value: float | None, low: float | None, high: float | None) -> bool:
    if value is None:
        return False
    return (low is None or value >= low) and (high is None or value <= high)


async def items(
    session: AsyncSession,
    *,
    evaluation_id: uuid.UUID,
    offset: int,
    limit: int,
    scorer: str | None = None,
    min_value: float | None = None,
    max_value: float | None = None,
) -> EvaluationItemPage:
    """A page of items in evaluation order; with ``scorer``, only those whose score of it lies
    in [``min_value``, ``max_value``] (e.g. ``answer_match`` at most 0: the wrong answers)."""
    evaluation = await _get(session, evaluation_id)
    if scorer is None and (min_value is not None or max_value is not None):
        raise Invalid("min_value and max_value need scorer: the scorer whose value they bound.")
    if scorer is not None and scorer not in evaluation.scorers:
        raise Invalid(
            f"This evaluation was not scored with {scorer!r}; its scorers are "
            f"{', '.join(evaluation.scorers)}.",
            details={"scorers": list(evaluation.scorers)},
        )
    scores = await repo.item_scores(session, evaluation_id)
    if scorer is None:
        matched = evaluation.item_count
        rows = await repo.page_items(session, evaluation_id, offset=offset, limit=limit + 1)
    else:
        wanted = [
            item_id
            for item_id in await repo.item_order(session, evaluation_id)
            if _within(scores[item_id][1].get(scorer), min_value, max_value)
        ]
        matched = len(wanted)
        chosen = wanted[offset : offset + limit + 1]
        rows = await repo.page_items(session, evaluation_id, offset=0, limit=0, item_ids=chosen)
    more = len(rows) > limit
    return EvaluationItemPage(
        items=[
            EvaluationItemRead(
                item_id=row.item_id,
                trace_id=row.trace_id,
                prompt_preview=row.prompt_preview,
                final_answer=row.final_answer,
                reference_answer=row.reference_answer,
                response=_response(row.meta),
                scores=scores[row.item_id][1],
            )
            for row in rows[:limit]
        ],
        matched=matched,
        next_offset=offset + limit if more else None,
    )


def _response(metadata: dict[str, Any]) -> str | None:
    value = metadata.get(RESPONSE_METADATA_KEY)
    return value if isinstance(value, str) else None


async def compare(
    session: AsyncSession, *, before_id: uuid.UUID, after_id: uuid.UUID, key_scorer: str
) -> EvaluationComparison:
    """Per-scorer paired deltas with bootstrap intervals, and the items fixed and broken."""
    before = await _get(session, before_id)
    after = await _get(session, after_id)
    key = find_scorer(key_scorer, "key_scorer")
    before_items = await repo.item_scores(session, before_id)
    after_items = await repo.item_scores(session, after_id)
    paired = sorted(set(before_items) & set(after_items))
    names = [n for n in before.scorers if n in after.scorers]

    def deltas() -> dict[str, ScorerDelta]:
        out: dict[str, ScorerDelta] = {}
        for name in names:
            pairs = [
                (before_items[i][1][name], after_items[i][1][name])
                for i in paired
                if name in before_items[i][1] and name in after_items[i][1]
            ]
            result = paired_mean_delta([b for b, _ in pairs], [a for _, a in pairs])
            out[name] = ScorerDelta(
                n=result.n,
                before_mean=result.before_mean,
                after_mean=result.after_mean,
                delta=result.delta,
                ci_low=result.ci_low,
                ci_high=result.ci_high,
            )
        return out

    scorer_deltas = await asyncio.to_thread(deltas)
    # "Right" means the key scorer's best value (answer_match: 1).
    fixed_ids: list[str] = []
    broken_ids: list[str] = []
    for item_id in paired:
        was = before_items[item_id][1].get(key.name)
        now = after_items[item_id][1].get(key.name)
        if was is None or now is None:
            continue
        if was < key.max_value <= now:
            fixed_ids.append(item_id)
        elif now < key.max_value <= was:
            broken_ids.append(item_id)
    listed = fixed_ids[:MAX_CHANGED_LISTED] + broken_ids[:MAX_CHANGED_LISTED]
    briefs = await repo.trace_briefs(
        session,
        [before_items[i][0] for i in listed] + [after_items[i][0] for i in listed],
    )

    def changed(item_id: str) -> ChangedItem:
        before_trace = before_items[item_id][0]
        after_trace = after_items[item_id][0]
        prompt, before_answer, reference = briefs[before_trace]
        return ChangedItem(
            item_id=item_id,
            before_trace_id=before_trace,
            after_trace_id=after_trace,
            prompt_preview=prompt,
            before_answer=before_answer,
            after_answer=briefs[after_trace][1],
            reference_answer=reference,
        )

    return EvaluationComparison(
        before=to_read(before),
        after=to_read(after),
        key_scorer=key.name,
        scorers=scorer_deltas,
        fixed_count=len(fixed_ids),
        broken_count=len(broken_ids),
        fixed=[changed(i) for i in fixed_ids[:MAX_CHANGED_LISTED]],
        broken=[changed(i) for i in broken_ids[:MAX_CHANGED_LISTED]],
    )
