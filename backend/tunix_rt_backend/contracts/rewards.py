"""The Tunix GRPO example's reward functions, and the per-completion primitives behind them.

The four reward functions (:func:`match_format_exactly`, :func:`match_format_approximately`,
:func:`check_answer`, :func:`check_numbers`) have the signature Tunix's ``GrpoLearner`` calls
(``prompts``, ``completions``, dataset columns such as ``answer`` as keyword arguments) and
return one float per completion. The ``format_exact``, ``format_approx`` and ``gsm8k_reward``
scorers call the same primitives, so a trace scores exactly what the same text would earn as a
GRPO reward.

Semantics follow the Tunix GRPO example (``examples/grpo_demo``) point for point, including its
regexes, its plain ``float()`` conversions (so ``"1,200"`` is not a number here; the
``answer_match`` scorer is the robust comparison) and its penalties. Two deliberate differences:
the text from the first ``<end_of_turn>`` on is ignored (the stop marker is not part of the
answer), and a missing reference answer (``None``) earns 0 from the answer checks instead of
failing.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from tunix_rt_backend.contracts.template import (
    ANSWER_END,
    ANSWER_START,
    REASONING_END,
    REASONING_START,
    strip_end_of_turn,
)

MATCH_FORMAT: Final = re.compile(
    rf"^[\s]{{0,}}"
    rf"{re.escape(REASONING_START)}.+?{re.escape(REASONING_END)}.*?"
    rf"{re.escape(ANSWER_START)}(.+?){re.escape(ANSWER_END)}"
    rf"[\s]{{0,}}$",
    flags=re.MULTILINE | re.DOTALL,
)
"""The example's ``match_format``: reasoning block, then an answer block, then only
whitespace to the end of a line. Group 1 is the answer as written."""

MATCH_NUMBERS: Final = re.compile(
    rf"{re.escape(ANSWER_START)}.*?([\d\.]{{1,}})", flags=re.MULTILINE | re.DOTALL
)
"""The example's ``match_numbers``: the first run of digits and dots after ``<answer>``."""

FORMAT_TAGS: Final = (REASONING_START, REASONING_END, ANSWER_START, ANSWER_END)

FORMAT_EXACT_REWARD: Final = 3.0
TAG_ONCE_REWARD: Final = 0.5
TAG_NOT_ONCE_PENALTY: Final = -0.5
ANSWER_EXACT_REWARD: Final = 3.0
ANSWER_STRIPPED_REWARD: Final = 1.5
ANSWER_WITHIN_10_PERCENT_REWARD: Final = 0.5
ANSWER_WITHIN_20_PERCENT_REWARD: Final = 0.25
ANSWER_WRONG_PENALTY: Final = -1.0
ANSWER_NOT_A_NUMBER_PENALTY: Final = -0.5
NUMBER_MATCH_REWARD: Final = 1.5

GSM8K_REWARD_MIN: Final = 0.0 + 4 * TAG_NOT_ONCE_PENALTY + ANSWER_WRONG_PENALTY
GSM8K_REWARD_MAX: Final = (
    FORMAT_EXACT_REWARD + 4 * TAG_ONCE_REWARD + ANSWER_EXACT_REWARD + NUMBER_MATCH_REWARD
)


# --------------------------------------------------------------------------- primitives


def extract_formatted_answer(completion: str) -> str | None:
    """The answer group of :data:`MATCH_FORMAT` (as written, not stripped), or ``None`` when
    the completion is not in the exact format."""
    match = MATCH_FORMAT.search(strip_end_of_turn(completion))
    return None if match is None else match.group(1)


def extract_first_number(completion: str) -> str | None:
    """The first run of digits and dots after ``<answer>`` (:data:`MATCH_NUMBERS`), or
    ``None``. Signs and thousands separators are not part of it, as in the example."""
    match = MATCH_NUMBERS.search(strip_end_of_turn(completion))
    return None if match is None else match.group(1)


def tag_counts(completion: str) -> dict[str, int]:
    """How many times each of the four format tags occurs."""
    text = strip_end_of_turn(completion)
    return {tag: text.count(tag) for tag in FORMAT_TAGS}


def format_exact_reward(completion: str) -> float:
    """3.0 when the completion matches :data:`MATCH_FORMAT`, else 0.0."""
    return FORMAT_EXACT_REWARD if extract_formatted_answer(completion) is not None else 0.0


def format_approx_reward(completion: str) -> float:
    """+0.5 for each format tag seen exactly once, -0.5 for each other (-2.0 … 2.0)."""
    return _format_approx_from_counts(tag_counts(completion))


def _format_approx_from_counts(counts: dict[str, int]) -> float:
    return sum(TAG_ONCE_REWARD if count == 1 else TAG_NOT_ONCE_PENALTY for count in counts.values())


def _as_float(text: str) -> float | None:
    try:
        return float(text.strip())
    except ValueError:
        return None


def score_answer_guess(guess: str | None, answer: str | None) -> float:
    """The example's ``check_answer`` for one extracted answer: 0 without a guess; 3.0 when
    equal; 1.5 when equal after stripping; else by ``float(guess) / float(answer)``: +0.5
    within [0.9, 1.1], +0.25 within [0.8, 1.2], -1.0 otherwise; -0.5 when either is not a
    number (or the reference is zero)."""
    if guess is None or answer is None:
        return 0.0
    if guess == answer:
        return ANSWER_EXACT_REWARD
    if guess.strip() == answer.strip():
        return ANSWER_STRIPPED_REWARD
    guess_value, answer_value = _as_float(guess), _as_float(answer)
    if guess_value is None or answer_value is None or answer_value == 0.0:
        return ANSWER_NOT_A_NUMBER_PENALTY
    ratio = guess_value / answer_value
    if 0.9 <= ratio <= 1.1:
        return ANSWER_WITHIN_10_PERCENT_REWARD
    if 0.8 <= ratio <= 1.2:
        return ANSWER_WITHIN_20_PERCENT_REWARD
    return ANSWER_WRONG_PENALTY


def score_number_guess(number: str | None, answer: str | None) -> float:
    """The example's ``check_numbers`` for one extracted number: 1.5 when
    ``float(number) == float(answer)``, else 0.0 (also when either is not a number)."""
    if number is None or answer is None:
        return 0.0
    number_value, answer_value = _as_float(number), _as_float(answer)
    if number_value is None or answer_value is None:
        return 0.0
    return NUMBER_MATCH_REWARD if number_value == answer_value else 0.0


def answer_reward(completion: str, answer: str | None) -> float:
    """``check_answer`` for one completion."""
    return score_answer_guess(extract_formatted_answer(completion), answer)


def number_reward(completion: str, answer: str | None) -> float:
    """``check_numbers`` for one completion."""
    return score_number_guess(extract_first_number(completion), answer)


@dataclass(frozen=True, slots=True)
class Gsm8kRewardBreakdown:
    """The four components of the example's total reward for one completion."""

    format_exact: float
    format_approx: float
    answer: float
    numbers: float
    extracted_answer: str | None
    extracted_number: str | None
    tag_counts: dict[str, int]

    @property
    def total(self) -> float:
        return self.format_exact + self.format_approx + self.answer + self.numbers

    def as_details(self) -> dict[str, Any]:
        """JSON-ready details for a score."""
        return {
            "format_exact": self.format_exact,
            "format_approx": self.format_approx,
            "answer": self.answer,
            "numbers": self.numbers,
            "total": self.total,
            "extracted_answer": self.extracted_answer,
            "extracted_number": self.extracted_number,
            "tag_counts": dict(self.tag_counts),
        }


def gsm8k_reward_breakdown(completion: str, answer: str | None) -> Gsm8kRewardBreakdown:
    """All four reward components of one completion against one reference answer."""
    guess = extract_formatted_answer(completion)
    number = extract_first_number(completion)
    counts = tag_counts(completion)
    return Gsm8kRewardBreakdown(
        format_exact=FORMAT_EXACT_REWARD if guess is not None else 0.0,
        format_approx=_format_approx_from_counts(counts),
        answer=score_answer_guess(guess, answer),
        numbers=score_number_guess(number, answer),
        extracted_answer=guess,
        extracted_number=number,
        tag_counts=counts,
    )


# --------------------------------------------------------------------------- Tunix signature

RewardFunction = Callable[..., list[float]]


def _check_lengths(completions: Sequence[str], answer: Sequence[str | None]) -> None:
    if len(completions) != len(answer):
        raise ValueError(
            f"{len(completions)} completions but {len(answer)} answers: the reward function "
            "needs one reference answer per completion"
        )


def match_format_exactly(
    prompts: Sequence[str], completions: Sequence[str], **kwargs: Any
) -> list[float]:
    """3.0 per completion in the exact reasoning/answer format, else 0.0."""
    return [format_exact_reward(completion) for completion in completions]


def match_format_approximately(
    prompts: Sequence[str], completions: Sequence[str], **kwargs: Any
) -> list[float]:
    """±0.5 per format tag per completion (+ when seen exactly once)."""
    return [format_approx_reward(completion) for completion in completions]


def check_answer(
    prompts: Sequence[str],
    completions: Sequence[str],
    answer: Sequence[str | None],
    **kwargs: Any,
) -> list[float]:
    """Closeness of each formatted answer to its reference (see :func:`score_answer_guess`)."""
    _check_lengths(completions, answer)
    return [answer_reward(c, a) for c, a in zip(completions, answer, strict=True)]


def check_numbers(
    prompts: Sequence[str],
    completions: Sequence[str],
    answer: Sequence[str | None],
    **kwargs: Any,
) -> list[float]:
    """1.5 per completion whose first number after ``<answer>`` equals its reference."""
    _check_lengths(completions, answer)
    return [number_reward(c, a) for c, a in zip(completions, answer, strict=True)]


REWARD_FUNCTIONS: Final[list[RewardFunction]] = [
    match_format_exactly,
    match_format_approximately,
    check_answer,
    check_numbers,
]
"""Pass as ``GrpoLearner(reward_fns=REWARD_FUNCTIONS, ...)``; their sum per completion is the
``gsm8k_reward`` scorer's value."""
