"""Reading steps and answers back out of text: GSM8K solutions, model responses, answers.

Numbers are read by :mod:`tunix_rt_backend.contracts.numbers` (exact values: ``0.5``, ``1/2``
and ``.50`` are the same answer). :func:`compare_answers` is the one answer comparison: the
``answer_match`` scorer and :func:`answers_match` use it.
"""

import re
from dataclasses import dataclass
from typing import Any, Final, Literal

from tunix_rt_backend.contracts.numbers import (
    canonical_number,
    normalize_text_answer,
    number_values,
    parse_number,
)
from tunix_rt_backend.contracts.template import (
    ANSWER_END,
    ANSWER_START,
    NUMBERED_ANSWER_PREFIX,
    NUMBERED_HEADER,
    REASONING_END,
    REASONING_START,
    normalize_newlines,
    normalize_step,
    strip_end_of_turn,
)
from tunix_rt_backend.contracts.trace import DEFAULT_STEP_TYPE, TraceContent, make_steps

GSM8K_ANSWER_MARKER: Final = "####"

_CALCULATOR_MARK = re.compile(r"<<[^\n]*?>>")

_ANSWER_LINE = re.compile(
    r"^[ \t]*(?:(?:[Ff]inal )?[Aa]nswer|FINAL ANSWER|ANSWER|A)[ \t]*:[ \t]*(?P<answer>.*)$",
    re.MULTILINE,
)
_ANSWER_IS = re.compile(r"\bthe (?:final )?answer is\b[ \t]*:?", re.IGNORECASE)
_NUMBERED_STEP = re.compile(r"^[0-9]+[.)]\s*(?P<content>.*)$")
_TAGS: Final = (REASONING_START, REASONING_END, ANSWER_START, ANSWER_END)

ResponseParser = Literal["tags", "numbered", "gsm8k", "lines"]
RESPONSE_PARSERS: Final[tuple[ResponseParser, ...]] = ("tags", "numbered", "gsm8k", "lines")


# --------------------------------------------------------------------------- GSM8K solutions


def strip_calculator_marks(text: str) -> str:
    """``text`` without GSM8K calculator annotations: ``"48/2 = <<48/2=24>>24"`` becomes
    ``"48/2 = 24"``."""
    if "<<" not in text:
        return text
    return _CALCULATOR_MARK.sub("", text)


def _nonempty_lines(text: str) -> list[str]:
    return [line for line in (raw.strip() for raw in text.split("\n")) if line]


def _first_line(text: str) -> str:
    lines = _nonempty_lines(text)
    return lines[0] if lines else ""


def parse_gsm8k_solution(answer: str, keep_calculator_marks: bool = False) -> tuple[list[str], str]:
    """A GSM8K ``answer`` field as ``(steps, final_answer)``.

    Steps are the non-empty stripped lines before ``####`` (calculator marks removed unless
    ``keep_calculator_marks``); the final answer is the first non-empty line after ``####``,
    stripped, as written (``"1,200"`` stays ``"1,200"``; compare with :func:`answers_match`).
    ``ValueError`` when there is no ``####`` or nothing after it."""
    text = normalize_newlines(answer)
    cut = text.find(GSM8K_ANSWER_MARKER)
    if cut < 0:
        raise ValueError(
            f"not a GSM8K solution: no '{GSM8K_ANSWER_MARKER} <final answer>' line in "
            f"{_preview(text)}"
        )
    final = _first_line(text[cut + len(GSM8K_ANSWER_MARKER) :])
    if not final:
        raise ValueError(
            f"GSM8K solution has nothing after '{GSM8K_ANSWER_MARKER}': {_preview(text)}"
        )
    body = text[:cut] if keep_calculator_marks else strip_calculator_marks(text[:cut])
    return _nonempty_lines(body), final


def gsm8k_to_trace(
    question: str,
    answer: str,
    *,
    id: str | None = None,
    metadata: dict[str, Any] | None = None,
    keep_calculator_marks: bool = False,
    step_type: str = DEFAULT_STEP_TYPE,
) -> TraceContent:
    """A GSM8K row as a trace: the question as prompt, the solution lines as steps, the
    ``####`` answer as both ``final_answer`` and ``reference_answer``."""
    steps, final = parse_gsm8k_solution(answer, keep_calculator_marks=keep_calculator_marks)
    return TraceContent(
        prompt=question,
        steps=make_steps(steps, step_type),
        final_answer=final,
        reference_answer=final,
        metadata=dict(metadata) if metadata else {},
        id=id,
    )


def _preview(text: str, limit: int = 80) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


# --------------------------------------------------------------------------- model responses


@dataclass(frozen=True, slots=True)
class ParsedResponse:
    """Steps and final answer read from a response.

    ``final_answer`` is ``None`` when no answer could be found. ``format`` says which form
    matched: ``"tags"`` (complete reasoning and answer blocks), ``"tags:<problems>"`` with
    ``+``-joined problems among ``missing_reasoning``, ``unclosed_reasoning``,
    ``missing_answer``, ``unclosed_answer`` (read as far as possible), ``"untagged:<form>"``
    (no tags at all: read as the gsm8k parser, else the lines parser would), ``"numbered"`` /
    ``"numbered:missing_answer"``, ``"gsm8k:hash"`` / ``"gsm8k:answer_line"`` /
    ``"gsm8k:answer_is"`` / ``"gsm8k:no_answer"``, ``"lines"`` / ``"lines:empty"``."""

    steps: list[str]
    final_answer: str | None
    format: str


def parse_response(text: str, parser: ResponseParser = "tags") -> ParsedResponse:
    """Read steps and the final answer from a model response (or a rendered completion).

    Everything from the first ``<end_of_turn>`` on is ignored. Parsers:

    - ``tags``: ``<reasoning>…</reasoning><answer>…</answer>``; reasoning lines become steps.
      Missing or unclosed tags are read as far as they go (see :class:`ParsedResponse`); with
      no tags at all the ``gsm8k`` forms are tried, then ``lines``.
    - ``numbered``: ``Reasoning:`` / ``1. step`` lines / ``Answer: X``.
    - ``gsm8k``: ``#### X``, else the last ``Answer: X`` / ``A: X`` line, else the last
      "The answer is X"; what comes before becomes steps (calculator marks removed).
    - ``lines``: the last non-empty line is the answer, the others are steps.
    """
    body = strip_end_of_turn(normalize_newlines(text))
    if parser == "tags":
        return _parse_tags(body)
    if parser == "numbered":
        return _parse_numbered(body)
    if parser == "gsm8k":
        return _parse_gsm8k(body)
    if parser == "lines":
        return _parse_lines(body)
    raise ValueError(f"unknown response parser {parser!r}; expected one of {RESPONSE_PARSERS}")


def _remove_tags(text: str) -> str:
    for tag in _TAGS:
        text = text.replace(tag, "\n")
    return text


def _parse_tags(text: str) -> ParsedResponse:
    if not any(tag in text for tag in _TAGS):
        fallback = _parse_gsm8k(text)
        if fallback.final_answer is None:
            fallback = _parse_lines(text)
        return ParsedResponse(fallback.steps, fallback.final_answer, f"untagged:{fallback.format}")

    problems: list[str] = []
    r_open = text.find(REASONING_START)
    if r_open >= 0:
        start = r_open + len(REASONING_START)
        r_close = text.find(REASONING_END, start)
        if r_close >= 0:
            reasoning, rest = text[start:r_close], text[r_close + len(REASONING_END) :]
        else:
            problems.append("unclosed_reasoning")
            a_next = text.find(ANSWER_START, start)
            end = a_next if a_next >= 0 else len(text)
            reasoning, rest = text[start:end], text[end:]
    else:
        problems.append("missing_reasoning")
        a_next = text.find(ANSWER_START)
        end = a_next if a_next >= 0 else len(text)
        reasoning, rest = text[:end], text[end:]

    final: str | None
    a_open = rest.find(ANSWER_START)
    if a_open >= 0:
        start = a_open + len(ANSWER_START)
        a_close = rest.find(ANSWER_END, start)
        if a_close >= 0:
            final = normalize_step(rest[start:a_close])
        else:
            problems.append("unclosed_answer")
            final = normalize_step(_remove_tags(rest[start:]))
    else:
        problems.append("missing_answer")
        final = normalize_step(_remove_tags(rest)) or None

    steps = _nonempty_lines(_remove_tags(reasoning))
    return ParsedResponse(steps, final, "tags" if not problems else "tags:" + "+".join(problems))


def _parse_numbered(text: str) -> ParsedResponse:
    lines = _nonempty_lines(text)
    answer_at = None
    prefix = NUMBERED_ANSWER_PREFIX.casefold()
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].casefold().startswith(prefix):
            answer_at = i
            break
    body = lines if answer_at is None else lines[:answer_at]
    if body and body[0].casefold() == NUMBERED_HEADER.casefold():
        body = body[1:]
    steps = []
    for line in body:
        match = _NUMBERED_STEP.match(line)
        content = match.group("content").strip() if match else line
        if content:
            steps.append(content)
    if answer_at is None:
        return ParsedResponse(steps, None, "numbered:missing_answer")
    final = lines[answer_at][len(NUMBERED_ANSWER_PREFIX) :].strip()
    return ParsedResponse(steps, final, "numbered")


def _parse_gsm8k(text: str) -> ParsedResponse:
    cut = text.find(GSM8K_ANSWER_MARKER)
    if cut >= 0:
        final = _first_line(text[cut + len(GSM8K_ANSWER_MARKER) :])
        return ParsedResponse(_gsm8k_steps(text[:cut]), final, "gsm8k:hash")

    answer_line = _last_match(_ANSWER_LINE, text)
    if answer_line is not None:
        final = answer_line.group("answer").strip()
        return ParsedResponse(_gsm8k_steps(text[: answer_line.start()]), final, "gsm8k:answer_line")

    answer_is = _last_match(_ANSWER_IS, text)
    if answer_is is not None:
        final = _first_line(text[answer_is.end() :])
        if final.endswith("."):
            final = final[:-1].rstrip()
        return ParsedResponse(_gsm8k_steps(text[: answer_is.start()]), final, "gsm8k:answer_is")

    return ParsedResponse(_gsm8k_steps(text), None, "gsm8k:no_answer")


def _last_match(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    last = None
    for match in pattern.finditer(text):
        last = match
    return last


def _gsm8k_steps(text: str) -> list[str]:
    return _nonempty_lines(strip_calculator_marks(text))


def _parse_lines(text: str) -> ParsedResponse:
    lines = _nonempty_lines(text)
    if not lines:
        return ParsedResponse([], None, "lines:empty")
    return ParsedResponse(lines[:-1], lines[-1], "lines")


def extract_final_answer(text: str) -> str:
    """The answer part of ``text``: inside the first complete ``<answer>…</answer>``
    (as one line), else the first non-empty line after ``####``, else ``text`` stripped.
    Everything from the first ``<end_of_turn>`` on is ignored."""
    body = strip_end_of_turn(normalize_newlines(text))
    a_open = body.find(ANSWER_START)
    if a_open >= 0:
        start = a_open + len(ANSWER_START)
        a_close = body.find(ANSWER_END, start)
        if a_close >= 0:
            return normalize_step(body[start:a_close])
    cut = body.find(GSM8K_ANSWER_MARKER)
    if cut >= 0:
        return _first_line(body[cut + len(GSM8K_ANSWER_MARKER) :])
    return body.strip()


# --------------------------------------------------------------------------- answers

AnswerOutcome = Literal["correct", "incorrect", "no_answer", "no_number", "ambiguous"]


@dataclass(frozen=True, slots=True)
class AnswerComparison:
    """How a predicted answer compared with a reference (details for scorers).

    ``outcome``: ``correct``; ``incorrect``; ``no_answer`` (the predicted answer is empty);
    ``no_number`` (the reference is a number, the answer holds none); ``ambiguous`` (the
    reference is a number, the answer holds several different ones, listed in
    ``predicted_numbers``)."""

    match: bool
    mode: Literal["numeric", "string"]
    outcome: AnswerOutcome
    predicted: str
    reference: str
    predicted_normalized: str | None
    reference_normalized: str
    predicted_numbers: tuple[str, ...] = ()


def compare_answers(predicted: str, reference: str) -> AnswerComparison:
    """Compare the answer parts (:func:`extract_final_answer`) of ``predicted`` and
    ``reference``.

    When the reference holds a number (its last one, :func:`parse_number`), the predicted
    answer must hold exactly one distinct value (:func:`number_values`; ``"72 (72.0)"`` is one)
    and it must equal the reference's exactly: ``"$1,234."``, ``"72 clips"`` and ``"3/4"``
    answer ``"1234"``, ``"72"`` and ``"0.75"``, but ``"12 + 60 = 72"`` and ``"maybe 3 or 72"``
    answer nothing (``ambiguous``): an answer may not hedge, nor show its working, to be
    right. Otherwise both are compared as normalised text (:func:`normalize_text_answer`)."""
    predicted_answer = extract_final_answer(predicted)
    reference_answer = extract_final_answer(reference)
    reference_value = parse_number(reference_answer)
    if reference_value is not None:
        values = number_values(predicted_answer)
        match = len(values) == 1 and values[0] == reference_value
        outcome: AnswerOutcome
        if match:
            outcome = "correct"
        elif not predicted_answer:
            outcome = "no_answer"
        elif not values:
            outcome = "no_number"
        else:
            outcome = "ambiguous" if len(values) > 1 else "incorrect"
        return AnswerComparison(
            match=match,
            mode="numeric",
            outcome=outcome,
            predicted=predicted_answer,
            reference=reference_answer,
            predicted_normalized=canonical_number(values[0]) if len(values) == 1 else None,
            reference_normalized=canonical_number(reference_value),
            predicted_numbers=tuple(canonical_number(value) for value in values),
        )
    predicted_text = normalize_text_answer(predicted_answer)
    reference_text = normalize_text_answer(reference_answer)
    match = bool(reference_text) and predicted_text == reference_text
    return AnswerComparison(
        match=match,
        mode="string",
        outcome="correct" if match else "incorrect" if predicted_answer else "no_answer",
        predicted=predicted_answer,
        reference=reference_answer,
        predicted_normalized=predicted_text,
        reference_normalized=reference_text,
    )


def answers_match(predicted: str, reference: str) -> bool:
    """Whether ``predicted`` answers ``reference`` (:func:`compare_answers`): numbers by exact
    value (``"18.0"``, ``"$18"`` and ``"The answer is 18."`` all answer ``"18"``; ``"3 or
    18"`` does not), otherwise case-insensitive, whitespace-normalised text. Either side may be
    a bare answer or a whole response (``<answer>`` tags and ``####`` are read). An empty
    reference matches nothing."""
    return compare_answers(predicted, reference).match
