"""The strict response format behind the ``format_exact`` scorer (version 2).

A response is in the format when, ignoring everything from the first ``<end_of_turn>`` on, it
is exactly: optional whitespace, ``<reasoning>``, R, ``</reasoning>``, optional whitespace,
``<answer>``, A, ``</answer>``, optional whitespace; where neither R nor A contains any of the
four format tags nor ``<start_of_turn>``, and each holds at least one letter or digit.

This is stricter than the Tunix GRPO example's ``match_format`` regex
(``rewards.MATCH_FORMAT``, kept as it is for the ``gsm8k_reward`` scorer), whose ``.+?`` fields
accept tags and punctuation: ``<reasoning> + + +</reasoning><answer></answer></answer>`` matches
it. A reward that such text earns teaches a model to emit it, so the workbench's own scorer
refuses it, and says why.
"""

from dataclasses import dataclass, field
from typing import Final, Literal

from tunix_rt_backend.contracts.template import (
    ANSWER_END,
    ANSWER_START,
    REASONING_END,
    REASONING_START,
    START_OF_TURN,
    strip_end_of_turn,
)

FORBIDDEN_IN_FIELDS: Final = (
    REASONING_START,
    REASONING_END,
    ANSWER_START,
    ANSWER_END,
    START_OF_TURN,
)

FormatProblem = Literal[
    "missing_reasoning",
    "text_before_reasoning",
    "unclosed_reasoning",
    "tag_inside_reasoning",
    "empty_reasoning",
    "missing_answer",
    "text_between_blocks",
    "unclosed_answer",
    "tag_inside_answer",
    "empty_answer",
    "text_after_answer",
]


@dataclass(frozen=True, slots=True)
class FormatCheck:
    """The verdict on one response: ``ok``, the fields as written (``None`` where a block is
    missing) and the problems found, in reading order (empty when ``ok``)."""

    reasoning: str | None
    answer: str | None
    problems: tuple[FormatProblem, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems


def _has_tag(text: str) -> bool:
    return any(tag in text for tag in FORBIDDEN_IN_FIELDS)


def _has_content(text: str) -> bool:
    return any(char.isalnum() for char in text)


def _field_problems(text: str, name: Literal["reasoning", "answer"]) -> list[FormatProblem]:
    problems: list[FormatProblem] = []
    if _has_tag(text):
        problems.append("tag_inside_reasoning" if name == "reasoning" else "tag_inside_answer")
    if not _has_content(text):
        problems.append("empty_reasoning" if name == "reasoning" else "empty_answer")
    return problems


def check_format(response: str) -> FormatCheck:
    """Whether ``response`` is in the strict format (see the module docstring), and if not,
    why."""
    text = strip_end_of_turn(response).lstrip()
    problems: list[FormatProblem] = []
    if not text.startswith(REASONING_START):
        if REASONING_START not in text:
            return FormatCheck(None, None, ("missing_reasoning",))
        problems.append("text_before_reasoning")
        text = text[text.index(REASONING_START) :]
    start = len(REASONING_START)
    close = text.find(REASONING_END, start)
    if close < 0:
        return FormatCheck(None, None, (*problems, "unclosed_reasoning"))
    reasoning = text[start:close]
    problems.extend(_field_problems(reasoning, "reasoning"))

    rest = text[close + len(REASONING_END) :]
    opened = rest.find(ANSWER_START)
    if opened < 0:
        return FormatCheck(reasoning, None, (*problems, "missing_answer"))
    if rest[:opened].strip():
        problems.append("text_between_blocks")
    start = opened + len(ANSWER_START)
    close = rest.find(ANSWER_END, start)
    if close < 0:
        return FormatCheck(reasoning, None, (*problems, "unclosed_answer"))
    answer = rest[start:close]
    problems.extend(_field_problems(answer, "answer"))
    if rest[close + len(ANSWER_END) :].strip():
        problems.append("text_after_answer")
    return FormatCheck(reasoning, answer, tuple(problems))
