"""Row → domain object conversions, in one place."""

from __future__ import annotations

from tunix_rt_backend.contracts.trace import Step, TraceContent
from tunix_rt_backend.traces.models import Trace
from tunix_rt_backend.traces.schemas import StepRead, TraceRead


def to_read(trace: Trace) -> TraceRead:
    return TraceRead(
        id=trace.id,
        created_at=trace.created_at,
        trace_version=trace.trace_version,
        source=trace.source,
        prompt=trace.prompt,
        steps=[StepRead(type=s["type"], content=s["content"]) for s in trace.steps],
        step_count=trace.step_count,
        final_answer=trace.final_answer,
        reference_answer=trace.reference_answer,
        tags=list(trace.tags),
        metadata=dict(trace.meta),
        content_hash=trace.content_hash,
        run_id=trace.run_id,
    )


def to_content(trace: Trace) -> TraceContent:
    """The pure view the contracts (scorers, renderers) work on."""
    return TraceContent(
        id=str(trace.id),
        prompt=trace.prompt,
        steps=tuple(Step(type=s["type"], content=s["content"]) for s in trace.steps),
        final_answer=trace.final_answer,
        reference_answer=trace.reference_answer,
        metadata=dict(trace.meta),
    )
