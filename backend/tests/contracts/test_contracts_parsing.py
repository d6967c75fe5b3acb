from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tunix_rt_backend.contracts.numbers import canonical_number, normalize_number, parse_number
from tunix_rt_backend.contracts.parsing import (
    answers_match,
    extract_final_answer,
    parse_gsm8k_solution,
    parse_response,
    strip_calculator_marks,
)
from tunix_rt_backend.contracts.template import normalize_step, render_response

# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("1,000", "1000"),
        ("$18", "18"),
        ("18.0", "18"),
        ("18.00", "18"),
        ("3/4", "0.75"),
        ("0.5", "1/2"),
        (".5", "0.50"),
        ("-5", "-5.0"),
        ("\u22125", "-5"),
        ("-$5", "-5"),
        ("The answer is 18.", "18"),
        ("  42. ", "42"),
        ("50%", "50"),
        ("$1,234,567.50", "1234567.5"),
        ("+4", "4"),
        ("-0", "0"),
    ],
)
def test_equal_numbers_normalise_alike(a: str, b: str) -> None:
    assert normalize_number(a) is not None
    assert normalize_number(a) == normalize_number(b)
    assert answers_match(a, b)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("1,000", "1000"),
        ("18.0", "18"),
        ("3/4", "0.75"),
        ("2/6", "1/3"),
        ("-2.50", "-2.5"),
        ("$0.05", "0.05"),
        ("The answer is 18.", "18"),
        ("5 - 3 = 2", "2"),
    ],
)
def test_canonical_forms(text: str, canonical: str) -> None:
    assert normalize_number(text) == canonical


@pytest.mark.parametrize("text", ["abc", "", "   ", "x2", "3/0", "eighteen"])
def test_non_numbers(text: str) -> None:
    assert normalize_number(text) is None


def test_minus_after_a_digit_is_an_operator_not_a_sign() -> None:
    assert normalize_number("10-20") == "20"


@given(st.integers())
def test_thousands_separators(n: int) -> None:
    assert normalize_number(f"{n:,}") == str(n)


@given(st.fractions())
def test_canonical_number_reads_back_exactly(value: Fraction) -> None:
    assert parse_number(canonical_number(value)) == value


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4))
def test_decimals_compare_by_value(value: Decimal) -> None:
    text = str(value)
    if "E" in text.upper():  # scientific notation is out of scope
        return
    assert parse_number(text) == Fraction(text)


# --------------------------------------------------------------------------- answers_match


@pytest.mark.parametrize(
    ("predicted", "reference", "expected"),
    [
        ("18", "18", True),
        ("18", "19", False),
        ("<reasoning>x</reasoning><answer>$18.00</answer>", "18", True),
        ("Lots of work\n#### 1,200", "1200", True),
        ("Paris.", "paris", True),
        ("New  York", "new york", True),
        ("Paris", "London", False),
        ("eighteen", "18", False),
        ("", "18", False),
        ("", "", False),
        ("anything", "  ", False),
    ],
)
def test_answers_match(predicted: str, reference: str, expected: bool) -> None:
    assert answers_match(predicted, reference) is expected


# --------------------------------------------------------------------------- GSM8K solutions


def test_strip_calculator_marks() -> None:
    assert strip_calculator_marks("48/2 = <<48/2=24>>24 and $<<12/60=0.2>>0.2") == (
        "48/2 = 24 and $0.2"
    )


def test_parse_gsm8k_solution() -> None:
    answer = "Natalia sold 48/2 = <<48/2=24>>24 clips.\n\n  Then 48+24 = <<48+24=72>>72.\n#### 72"
    assert parse_gsm8k_solution(answer) == (
        ["Natalia sold 48/2 = 24 clips.", "Then 48+24 = 72."],
        "72",
    )
    steps, _ = parse_gsm8k_solution(answer, keep_calculator_marks=True)
    assert steps[0] == "Natalia sold 48/2 = <<48/2=24>>24 clips."


def test_parse_gsm8k_solution_crlf() -> None:
    assert parse_gsm8k_solution("a\r\nb\r\n#### 1,200\r\n") == (["a", "b"], "1,200")


def test_parse_gsm8k_solution_without_final_answer_says_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="no '#### <final answer>' line"):
        parse_gsm8k_solution("Natalia sold 24 clips.")
    with pytest.raises(ValueError, match="nothing after '####'"):
        parse_gsm8k_solution("Natalia sold 24 clips.\n####  \n")


# --------------------------------------------------------------------------- responses


def test_parse_tags_response() -> None:
    parsed = parse_response(
        "<reasoning>\nstep one\n\n step two \n</reasoning>\n<answer> 7 </answer>"
    )
    assert (parsed.steps, parsed.final_answer, parsed.format) == (
        ["step one", "step two"],
        "7",
        "tags",
    )


@pytest.mark.parametrize(
    ("text", "steps", "answer", "form"),
    [
        ("<reasoning>a\nb</reasoning><answer>7", ["a", "b"], "7", "tags:unclosed_answer"),
        ("<reasoning>a\nb<answer>7</answer>", ["a", "b"], "7", "tags:unclosed_reasoning"),
        ("a\nb\n<answer>7</answer>", ["a", "b"], "7", "tags:missing_reasoning"),
        ("<reasoning>a</reasoning>\nSo 7.", ["a"], "So 7.", "tags:missing_answer"),
        ("<reasoning>a</reasoning>", ["a"], None, "tags:missing_answer"),
        ("a\n#### 7", ["a"], "7", "untagged:gsm8k:hash"),
        ("a\nThe answer is 7.", ["a"], "7", "untagged:gsm8k:answer_is"),
        ("a\nb\n7", ["a", "b"], "7", "untagged:lines"),
        ("", [], None, "untagged:lines:empty"),
        (
            "<reasoning>a</reasoning><answer>7</answer><end_of_turn>junk",
            ["a"],
            "7",
            "tags",
        ),
    ],
)
def test_parse_tags_fallbacks(text: str, steps: list[str], answer: str | None, form: str) -> None:
    parsed = parse_response(text, "tags")
    assert (parsed.steps, parsed.final_answer, parsed.format) == (steps, answer, form)


@pytest.mark.parametrize(
    ("text", "steps", "answer", "form"),
    [
        ("Half of 48 is <<48/2=24>>24.\n#### 24", ["Half of 48 is 24."], "24", "gsm8k:hash"),
        ("Q: hard\nthink\nA: 12", ["Q: hard", "think"], "12", "gsm8k:answer_line"),
        ("think\nAnswer: 12", ["think"], "12", "gsm8k:answer_line"),
        ("So 3+5=8. The answer is 8.", ["So 3+5=8."], "8", "gsm8k:answer_is"),
        ("Thus the final answer is: $40.", ["Thus"], "$40", "gsm8k:answer_is"),
        ("no answer here", ["no answer here"], None, "gsm8k:no_answer"),
    ],
)
def test_parse_gsm8k_responses(text: str, steps: list[str], answer: str | None, form: str) -> None:
    parsed = parse_response(text, "gsm8k")
    assert (parsed.steps, parsed.final_answer, parsed.format) == (steps, answer, form)


def test_parse_lines_response() -> None:
    parsed = parse_response("first\n\nsecond\n  42  \n", "lines")
    assert (parsed.steps, parsed.final_answer, parsed.format) == (
        ["first", "second"],
        "42",
        "lines",
    )


def test_parse_numbered_response() -> None:
    parsed = parse_response("Reasoning:\n1. a\n2) b\nc\nAnswer: 7\n", "numbered")
    assert (parsed.steps, parsed.final_answer, parsed.format) == (["a", "b", "c"], "7", "numbered")
    missing = parse_response("Reasoning:\n1. a", "numbered")
    assert (missing.final_answer, missing.format) == (None, "numbered:missing_answer")


def test_unknown_parser_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown response parser"):
        parse_response("x", "xml")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<reasoning>r</reasoning><answer> 42 </answer>", "42"),
        ("blah\n#### 1,200\n", "1,200"),
        ("  just this  ", "just this"),
        ("<answer>unclosed", "<answer>unclosed"),
    ],
)
def test_extract_final_answer(text: str, expected: str) -> None:
    assert extract_final_answer(text) == expected


# --------------------------------------------------------------------------- round trips

# Any text without the tag characters, including CR/LF and other whitespace.
_TEXT = st.text(st.characters(exclude_characters="<>", exclude_categories=["Cs"]))


@given(steps=st.lists(_TEXT, max_size=6), final_answer=_TEXT)
def test_tags_render_then_parse_round_trips(steps: list[str], final_answer: str) -> None:
    parsed = parse_response(render_response(steps, final_answer, "tags"), "tags")
    assert parsed.format == "tags"
    assert parsed.steps == [normalize_step(s) for s in steps if normalize_step(s)]
    assert parsed.final_answer == normalize_step(final_answer)


@given(steps=st.lists(_TEXT, max_size=6), final_answer=_TEXT)
def test_numbered_render_then_parse_round_trips(steps: list[str], final_answer: str) -> None:
    parsed = parse_response(render_response(steps, final_answer, "numbered"), "numbered")
    assert parsed.format == "numbered"
    assert parsed.steps == [normalize_step(s) for s in steps if normalize_step(s)]
    assert parsed.final_answer == normalize_step(final_answer)
