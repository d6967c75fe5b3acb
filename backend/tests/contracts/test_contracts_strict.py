"""The strict scorers (answer_match and format_exact, version 2) and attempts to game them.

Both are about to be reinforcement-learning rewards: whatever earns them, a model learns. The
Tunix example's lenient scores (gsm8k_reward and its reward functions) stay as they were.
"""

import pytest

from tunix_rt_backend.contracts import completion_trace, score_completion
from tunix_rt_backend.contracts.format_check import check_format
from tunix_rt_backend.contracts.parsing import answers_match, compare_answers
from tunix_rt_backend.contracts.rewards import REWARD_FUNCTIONS, match_format_exactly
from tunix_rt_backend.contracts.scorers import get_scorer
from tunix_rt_backend.contracts.trace import TraceContent, make_steps

GOOD = "<reasoning>48/2 = 24\n48 + 24 = 72</reasoning><answer>72</answer>"


def answered(final_answer: str, reference: str = "72") -> TraceContent:
    return TraceContent(
        prompt="How many clips?",
        steps=make_steps(["48/2 = 24", "48 + 24 = 72"]),
        final_answer=final_answer,
        reference_answer=reference,
    )


def responded(response: str, reference: str | None = "72") -> TraceContent:
    return completion_trace("How many clips?", response, reference)


# --------------------------------------------------------------------------- answer_match


@pytest.mark.parametrize(
    ("final_answer", "reference"),
    [
        ("The answer is $1,234.", "1234"),
        ("1,234", "1234"),
        ("$18.00", "18"),
        ("72 clips", "72"),
        ("72.", "72"),
        ("3/4", "0.75"),
        ("-5", "-5"),
        ("50%", "50"),
        ("72 (72.0)", "72"),  # one value, written twice
        ("<answer>72</answer>", "72"),
    ],
)
def test_answer_match_accepts_one_number_in_any_usual_form(
    final_answer: str, reference: str
) -> None:
    result = get_scorer("answer_match")(answered(final_answer, reference))
    assert (result.value, result.label) == (1.0, "correct")
    assert answers_match(final_answer, reference)


@pytest.mark.parametrize(
    ("final_answer", "numbers"),
    [
        ("I think 5, 10, 72", ["5", "10", "72"]),
        ("no idea, maybe 3 or 72", ["3", "72"]),
        ("12 + 60 = 72", ["12", "60", "72"]),
        ("72 or 73", ["72", "73"]),
        ("48/2 = 24, 48 + 24 = 72", ["24", "48", "72"]),
        (" ".join(str(n) for n in range(1, 101)), [str(n) for n in range(1, 101)]),
    ],
)
def test_answer_match_refuses_an_answer_listing_several_numbers(
    final_answer: str, numbers: list[str]
) -> None:
    result = get_scorer("answer_match")(answered(final_answer))
    assert (result.value, result.label) == (0.0, "ambiguous")
    assert sorted(result.details["numbers"], key=float) == sorted(numbers, key=float)
    assert not answers_match(final_answer, "72")


@pytest.mark.parametrize(
    ("final_answer", "label"),
    [("", "no_answer"), ("   ", "no_answer"), ("seventy-two", "no_number"), ("73", "incorrect")],
)
def test_answer_match_labels_what_went_wrong(final_answer: str, label: str) -> None:
    result = get_scorer("answer_match")(answered(final_answer))
    assert (result.value, result.label) == (0.0, label)


def test_text_answers_compare_as_text() -> None:
    assert compare_answers("Paris.", "paris").outcome == "correct"
    assert compare_answers("", "paris").outcome == "no_answer"
    assert compare_answers("London", "paris").outcome == "incorrect"


@pytest.mark.parametrize(
    "response",
    [
        "<reasoning>48/2 = 24\n48 + 24 = 72</reasoning>",  # the reasoning ends in the number
        "<reasoning>48/2 = 24\n48 + 24 = 72</reasoning><answer></answer>",
        "<reasoning>The answer is 72.</reasoning><answer>?</answer>",
        "<reasoning>r</reasoning><answer>3 or 72</answer>",
        "<reasoning>r</reasoning><answer>72, 73, 74</answer>",
    ],
)
def test_answer_match_cannot_be_earned_without_committing_to_the_answer(response: str) -> None:
    assert score_completion(response, "72", ["answer_match"]) == {"answer_match": 0.0}


# --------------------------------------------------------------------------- format_exact


@pytest.mark.parametrize(
    "response",
    [
        GOOD,
        "  \n<reasoning>r</reasoning>\n\n<answer>72</answer>\n  ",
        "<reasoning>r</reasoning><answer>72</answer><end_of_turn>junk after the stop marker",
        "<reasoning>a < b and 2 > 1</reasoning><answer>x</answer>",  # other angle brackets
    ],
)
def test_format_exact_accepts_the_format(response: str) -> None:
    result = get_scorer("format_exact")(responded(response))
    assert (result.value, result.label) == (1.0, "match")
    assert "reason" not in result.details


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        ("<reasoning> + + +</reasoning><answer></answer></answer></answer>", "empty_reasoning"),
        ("<reasoning>r</reasoning><answer></answer></answer></answer>", "empty_answer"),
        ("<reasoning>r</reasoning><answer>72</answer></answer>", "text_after_answer"),
        ("<reasoning>r</reasoning><answer>72</answer>\nThanks!", "text_after_answer"),
        ("<reasoning>r</reasoning><answer>72</answer><answer>73</answer>", "text_after_answer"),
        ("<reasoning></reasoning><answer>72</answer>", "empty_reasoning"),
        ("<reasoning>r</reasoning><answer> . </answer>", "empty_answer"),
        ("<reasoning>r</reasoning><answer><answer>72</answer>", "tag_inside_answer"),
        ("<reasoning>r</reasoning><answer>72<start_of_turn></answer>", "tag_inside_answer"),
        ("<reasoning>a<reasoning>b</reasoning><answer>72</answer>", "tag_inside_reasoning"),
        ("<reasoning>a<answer>72</answer></reasoning><answer>72</answer>", "tag_inside_reasoning"),
        (
            "<reasoning>a</reasoning><reasoning>b</reasoning><answer>72</answer>",
            "text_between_blocks",
        ),
        ("<reasoning>a</reasoning>so<answer>72</answer>", "text_between_blocks"),
        ("Sure! <reasoning>a</reasoning><answer>72</answer>", "text_before_reasoning"),
        ("<answer>72</answer>", "missing_reasoning"),
        ("72", "missing_reasoning"),
        ("", "missing_reasoning"),
        ("<reasoning>a", "unclosed_reasoning"),
        ("<reasoning>48/2 = 24\n48 + 24 = 72</reasoning>", "missing_answer"),
        ("<reasoning>a</reasoning><answer>72", "unclosed_answer"),
    ],
)
def test_format_exact_refuses_and_says_why(response: str, reason: str) -> None:
    result = get_scorer("format_exact")(responded(response))
    assert (result.value, result.label) == (0.0, "no_match")
    assert result.details["reason"] == reason
    assert reason in result.details["problems"]
    assert check_format(response).problems[0] == reason


def test_format_exact_lists_every_problem_in_reading_order() -> None:
    check = check_format("<reasoning> + + +</reasoning><answer></answer></answer></answer>")
    assert check.problems == ("empty_reasoning", "empty_answer", "text_after_answer")
    assert not check.ok


def test_format_exact_on_rendered_traces_needs_steps_and_an_answer() -> None:
    format_exact = get_scorer("format_exact")
    assert format_exact(answered("72")).value == 1.0
    assert format_exact(answered("72")).details["response_source"] == "rendered"
    assert format_exact(answered("")).details["reason"] == "empty_answer"
    no_steps = TraceContent(prompt="q", final_answer="72", reference_answer="72")
    assert format_exact(no_steps).details["reason"] == "empty_reasoning"


# --------------------------------------------------------------------------- the example, as-is


def test_the_tunix_example_reward_stays_lenient() -> None:
    gamed = "<reasoning> + + +</reasoning><answer></answer></answer></answer>"
    # The example's regex accepts it (3 points for the exact format) ...
    assert match_format_exactly(["q"], [gamed]) == [3.0]
    breakdown = get_scorer("gsm8k_reward")(responded(gamed)).details
    assert breakdown["format_exact"] == 3.0
    # ... the workbench's format_exact does not.
    assert get_scorer("format_exact")(responded(gamed)).value == 0.0


# --------------------------------------------------------------------------- score_completion


def test_completion_trace_is_what_the_server_builds() -> None:
    trace = completion_trace("p", GOOD + "<end_of_turn>", "72", metadata={"item_id": "a"})
    assert [s.content for s in trace.steps] == ["48/2 = 24", "48 + 24 = 72"]
    assert {s.type for s in trace.steps} == {"reasoning"}
    assert trace.final_answer == "72"
    assert trace.metadata == {
        "item_id": "a",
        "response": GOOD + "<end_of_turn>",
        "response_format": "tags",
    }
    assert completion_trace("p", "<reasoning>r</reasoning>", "72").final_answer == ""


def test_score_completion_runs_each_named_scorer() -> None:
    names = ["answer_match", "format_exact", "format_approx", "gsm8k_reward", "baseline"]
    scores = score_completion(GOOD, "72", names)
    assert list(scores) == names
    assert scores["answer_match"] == scores["format_exact"] == 1.0
    total = sum(fn(prompts=["q"], completions=[GOOD], answer=["72"])[0] for fn in REWARD_FUNCTIONS)
    assert scores["gsm8k_reward"] == total == 9.5
    assert score_completion("<reasoning>r</reasoning>", None, ["answer_match"]) == {
        "answer_match": 0.0
    }
    with pytest.raises(KeyError, match="unknown scorer 'vibes'"):
        score_completion(GOOD, "72", ["vibes"])
