"""Generated arithmetic problems (``contracts.arithmetic``) stored as traces.

One use case shared by ``POST /api/sources/arithmetic/generate`` and
``tunix-rt import arithmetic``: generate, then store every trace in ONE transaction, in batches.
Generating the same spec again stores nothing new: the content hash finds the stored traces.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.contracts.arithmetic import ArithmeticSpec, trace_fields
from tunix_rt_backend.errors import Invalid
from tunix_rt_backend.sources.schemas import ArithmeticResult
from tunix_rt_backend.traces import service as traces
from tunix_rt_backend.traces.schemas import TraceCreate

BATCH_ROWS = 1_000


def _payloads(spec: ArithmeticSpec) -> list[TraceCreate]:
    return [TraceCreate.model_validate(fields) for fields in trace_fields(spec)]


async def generate(
    session: AsyncSession, *, spec: ArithmeticSpec, max_trace_bytes: int
) -> ArithmeticResult:
    """Generate ``spec``'s problems and store them: all of them, or (on any error) none.

    ``Invalid`` (422) when the spec's space holds fewer than ``count`` distinct problems."""
    try:
        # Drawing and validating 100,000 traces takes seconds: keep it off the event loop.
        payloads = await asyncio.to_thread(_payloads, spec)
    except ValueError as exc:
        raise Invalid(
            f"The arithmetic spec cannot be generated: {exc}",
            details=[{"loc": ["body", "count"], "msg": str(exc), "type": "value_error"}],
        ) from None
    created = existing = 0
    try:
        for start in range(0, len(payloads), BATCH_ROWS):
            result = await traces.create_batch(
                session,
                payloads=payloads[start : start + BATCH_ROWS],
                idempotency_key=None,
                max_trace_bytes=max_trace_bytes,
                commit=False,
            )
            created += result.created
            existing += result.existing
        await session.commit()
    except BaseException:
        await session.rollback()
        raise
    return ArithmeticResult(generated=len(payloads), created=created, existing=existing)
