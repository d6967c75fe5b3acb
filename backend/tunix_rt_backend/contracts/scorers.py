"""Named, versioned scorers: pure functions ``TraceContent -> ScoreResult``.

They read only the :class:`~tunix_rt_backend.contracts.trace.TraceLike` attributes, so a
lighter object with those attributes works too.

A scorer's ``(name, version)`` identifies what a stored score means; bump ``version`` whenever
the value a trace gets could change. Every result's ``details`` says what was measured.

"The response" of a trace, for the format scorers and ``gsm8k_reward``: the raw model output
(``response_text(trace)``) when there is one, else the ``tags`` rendering of the stored steps
and final answer (``details["response_source"]`` is ``"raw"`` or ``"rendered"``). A trace with
no steps or no final answer therefore fails the exact format, as it should.

Two families, on purpose. ``format_approx`` and ``gsm8k_reward`` reproduce the Tunix GRPO
example's scores exactly (``rewards.py``), leniency included: its format regex accepts tags and
punctuation inside the fields. The workbench's own ``format_exact`` (version 2,
``format_check.py``) and ``answer_match`` (version 2) are strict, because they serve as
reinforcement-learning rewards and a reward that can be gamed will be: ``format_exact`` refuses
tags inside the fields, empty fields and text around the blocks; ``answer_match`` reads only
the parsed final answer (never the reasoning) and refuses an answer that lists several
different numbers. Scores stored under version 1 keep their meaning and stay as they are.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tunix_rt_backend.contracts.format_check import check_format
from tunix_rt_backend.contracts.parsing import compare_answers
from tunix_rt_backend.contracts.rewards import (
    GSM8K_REWARD_MAX,
    GSM8K_REWARD_MIN,
    format_approx_reward,
    gsm8k_reward_breakdown,
    tag_counts,
)
from tunix_rt_backend.contracts.template import render_response, strip_end_of_turn
from tunix_rt_backend.contracts.trace import TraceLike, response_text, step_contents

ResponseSource = Literal["raw", "rendered"]


class ScoreResult(BaseModel):
    """A score's value, an optional short label, and JSON-ready details explaining it."""

    model_config = ConfigDict(extra="forbid")

    value: float
    label: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Scorer:
    """A named, versioned scoring function with the range its values fall in."""

    name: str
    version: str
    description: str
    min_value: float
    max_value: float
    fn: Callable[[TraceLike], ScoreResult]

    def __call__(self, trace: TraceLike) -> ScoreResult:
        return self.fn(trace)


def trace_response(trace: TraceLike) -> tuple[str, ResponseSource]:
    """The text the format scorers and ``gsm8k_reward`` judge, and where it came from."""
    raw = response_text(trace)
    if raw is not None:
        return raw, "raw"
    return render_response(trace.steps, trace.final_answer, "tags"), "rendered"


# --------------------------------------------------------------------------- baseline

BASELINE_FULL_STEPS = 3
BASELINE_MIN_HEALTHY_CHARS = 20
BASELINE_MAX_HEALTHY_CHARS = 300


def _baseline(trace: TraceLike) -> ScoreResult:
    lengths = [len(text) for text in (step.strip() for step in step_contents(trace)) if text]
    if not lengths:
        return ScoreResult(
            value=0.0,
            label="no_steps",
            details={
                "step_count": 0,
                "mean_step_chars": 0.0,
                "step_count_points": 0.0,
                "step_length_points": 0.0,
                "reason": "the trace has no non-empty steps",
            },
        )
    count = len(lengths)
    mean_chars = sum(lengths) / count
    count_points = 50.0 * min(count, BASELINE_FULL_STEPS) / BASELINE_FULL_STEPS
    if mean_chars < BASELINE_MIN_HEALTHY_CHARS:
        length_points = 50.0 * mean_chars / BASELINE_MIN_HEALTHY_CHARS
    elif mean_chars <= BASELINE_MAX_HEALTHY_CHARS:
        length_points = 50.0
    else:
        length_points = 50.0 * BASELINE_MAX_HEALTHY_CHARS / mean_chars
    value = round(count_points + length_points, 4)
    label = "good" if value >= 75.0 else "fair" if value >= 50.0 else "weak"
    return ScoreResult(
        value=value,
        label=label,
        details={
            "step_count": count,
            "mean_step_chars": round(mean_chars, 4),
            "step_count_points": round(count_points, 4),
            "step_length_points": round(length_points, 4),
            "rule": (
                f"50 points for step count (full at >= {BASELINE_FULL_STEPS} non-empty steps, "
                "proportional below) + 50 for mean step length (full within "
                f"{BASELINE_MIN_HEALTHY_CHARS}-{BASELINE_MAX_HEALTHY_CHARS} chars, proportional "
                f"below, {BASELINE_MAX_HEALTHY_CHARS}/mean above)"
            ),
        },
    )


# --------------------------------------------------------------------------- format


def _format_exact(trace: TraceLike) -> ScoreResult:
    response, source = trace_response(trace)
    check = check_format(response)
    details: dict[str, Any] = {
        "response_source": source,
        "matched": check.ok,
        "extracted_answer": check.answer,
        "response_chars": len(strip_end_of_turn(response)),
    }
    if not check.ok:
        details["reason"] = check.problems[0]
        details["problems"] = list(check.problems)
    return ScoreResult(
        value=1.0 if check.ok else 0.0, label="match" if check.ok else "no_match", details=details
    )


def _format_approx(trace: TraceLike) -> ScoreResult:
    response, source = trace_response(trace)
    counts = tag_counts(response)
    value = format_approx_reward(response)
    return ScoreResult(
        value=value,
        label="all_tags_once" if all(count == 1 for count in counts.values()) else None,
        details={"response_source": source, "tag_counts": counts},
    )


# --------------------------------------------------------------------------- answers


def _answer_match(trace: TraceLike) -> ScoreResult:
    # Only the parsed final answer counts: reading the whole response when it is empty would
    # pay a response that never commits to an answer (its reasoning ends in the number).
    predicted = trace.final_answer
    reference = trace.reference_answer
    if reference is None or not reference.strip():
        details: dict[str, Any] = {
            "reason": "the trace has no reference_answer to compare with",
            "extracted": predicted.strip(),
        }
        return ScoreResult(value=0.0, label="no_reference", details=details)
    comparison = compare_answers(predicted, reference)
    details = {
        "extracted": comparison.predicted,
        "predicted_normalized": comparison.predicted_normalized,
        "reference": comparison.reference,
        "reference_normalized": comparison.reference_normalized,
        "comparison": comparison.mode,
    }
    if comparison.outcome == "ambiguous":
        details["numbers"] = list(comparison.predicted_numbers)
        details["reason"] = "the answer holds several different numbers"
    elif comparison.outcome == "no_answer":
        details["reason"] = "the trace has no final answer"
    elif comparison.outcome == "no_number":
        details["reason"] = "the reference is a number; the answer holds none"
    return ScoreResult(
        value=1.0 if comparison.match else 0.0, label=comparison.outcome, details=details
    )


def _gsm8k_reward(trace: TraceLike) -> ScoreResult:
    response, source = trace_response(trace)
    breakdown = gsm8k_reward_breakdown(response, trace.reference_answer)
    details = breakdown.as_details()
    details["response_source"] = source
    details["reference"] = trace.reference_answer
    label = None
    if trace.reference_answer is None:
        label = "no_reference"
        details["reason"] = "no reference_answer: the answer and number checks give 0"
    return ScoreResult(value=breakdown.total, label=label, details=details)


# --------------------------------------------------------------------------- registry

_ALL = (
    Scorer(
        name="baseline",
        version="1",
        description=(
            "Structure, 0-100: 50 points for the number of non-empty steps (full at 3) and 50 "
            "for their mean length (full within 20-300 characters)."
        ),
        min_value=0.0,
        max_value=100.0,
        fn=_baseline,
    ),
    Scorer(
        name="format_exact",
        version="2",
        description=(
            "Strict: 1 if the response is exactly <reasoning>R</reasoning> <answer>A</answer> "
            "(whitespace around the blocks only), with no format tag inside R or A and a "
            "letter or digit in each, else 0. Stricter than the Tunix example's regex, which "
            "gsm8k_reward keeps."
        ),
        min_value=0.0,
        max_value=1.0,
        fn=_format_exact,
    ),
    Scorer(
        name="format_approx",
        version="1",
        description=(
            "The Tunix GRPO example's approximate format score: +0.5 for each of the four "
            "tags seen exactly once, -0.5 for each other (-2 to 2)."
        ),
        min_value=-2.0,
        max_value=2.0,
        fn=_format_approx,
    ),
    Scorer(
        name="answer_match",
        version="2",
        description=(
            "Strict: 1 if the parsed final answer equals the reference answer, else 0. A "
            "numeric reference needs an answer holding exactly one distinct number, equal by "
            "value after normalising ($, commas, %, fractions); an answer listing several "
            "numbers, or an empty one, scores 0. Text is compared case-insensitively."
        ),
        min_value=0.0,
        max_value=1.0,
        fn=_answer_match,
    ),
    Scorer(
        name="gsm8k_reward",
        version="1",
        description=(
            "The Tunix GRPO example's total reward, reproduced as-is (lenient: its format "
            "regex accepts tags inside the fields): exact format (3) + approximate format "
            "(+-0.5 per tag) + answer check (3 / 1.5 / 0.5 / 0.25 / -1 / -0.5) + first "
            "number check (1.5)."
        ),
        min_value=GSM8K_REWARD_MIN,
        max_value=GSM8K_REWARD_MAX,
        fn=_gsm8k_reward,
    ),
)

SCORERS: Mapping[str, Scorer] = MappingProxyType({scorer.name: scorer for scorer in _ALL})


def get_scorer(name: str) -> Scorer:
    """The scorer called ``name``; ``KeyError`` naming the known scorers otherwise."""
    try:
        return SCORERS[name]
    except KeyError:
        raise KeyError(f"unknown scorer {name!r}; known scorers: {', '.join(SCORERS)}") from None


def list_scorers() -> list[Scorer]:
    """All scorers, in a stable order."""
    return list(_ALL)
