"""A model's completion as a trace, and its scores: the same on the server and in the trainer.

``POST /api/evaluations`` stores each response through :func:`completion_trace` and scores
that trace; a trainer scoring its own samples (a GRPO reward, a local evaluation) calls
:func:`score_completion`, which builds the trace the same way. One function builds both, so
a completion earns the same value in training as the server records for it.
"""

from collections.abc import Iterable, Mapping
from typing import Any, Final

from tunix_rt_backend.contracts.parsing import parse_response
from tunix_rt_backend.contracts.scorers import get_scorer
from tunix_rt_backend.contracts.trace import RESPONSE_METADATA_KEY, TraceContent, make_steps

RESPONSE_FORMAT_METADATA_KEY: Final = "response_format"
"""``metadata`` key holding how the response parsed (``ParsedResponse.format``)."""

NUL_STAND_IN: Final = "\ufffd"
"""What a NUL in generated text becomes (U+FFFD, the replacement character)."""


def model_text(text: str) -> str:
    """Generated text as a trainer scores, stores and reports it.

    A model decodes any piece of its vocabulary, NUL included (a byte-fallback ``<0x00>``), and
    neither the API's JSON bodies nor PostgreSQL text take a NUL. The trainer passes every
    generated text through this before scoring it, so what it rewards and what it sends (and the
    server scores again) are the same text, and a NUL never fails a run or its report. Nothing
    but NUL changes."""
    return text.replace("\x00", NUL_STAND_IN) if "\x00" in text else text


def completion_trace(
    prompt: str,
    completion: str,
    reference_answer: str | None,
    *,
    metadata: Mapping[str, Any] | None = None,
) -> TraceContent:
    """The trace of one completion: parsed with the ``tags`` parser (reasoning lines as
    ``reasoning`` steps; the final answer, ``""`` when none was found), with ``metadata`` plus
    the raw completion under ``"response"`` (the format scorers judge that text, not a
    re-rendering) and how it parsed under ``"response_format"``."""
    parsed = parse_response(completion, "tags")
    return TraceContent(
        prompt=prompt,
        steps=make_steps(parsed.steps),
        final_answer=parsed.final_answer or "",
        reference_answer=reference_answer,
        metadata={
            **(metadata or {}),
            RESPONSE_METADATA_KEY: completion,
            RESPONSE_FORMAT_METADATA_KEY: parsed.format,
        },
    )


def score_completion(
    completion: str,
    reference_answer: str | None,
    scorer_names: Iterable[str],
    *,
    prompt: str = "",
) -> dict[str, float]:
    """Each named scorer's value for ``completion``, exactly as the server stores it for the
    same response and reference. ``KeyError`` naming the known scorers for an unknown name.

    No scorer reads the prompt; pass it to be explicit."""
    scorers = [get_scorer(name) for name in scorer_names]
    trace = completion_trace(prompt, completion, reference_answer)
    return {scorer.name: scorer(trace).value for scorer in scorers}
