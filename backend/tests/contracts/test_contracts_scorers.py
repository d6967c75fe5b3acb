import json

import pytest

from tunix_rt_backend.contracts.rewards import (
    GSM8K_REWARD_MAX,
    GSM8K_REWARD_MIN,
    REWARD_FUNCTIONS,
    check_answer,
    check_numbers,
    match_format_approximately,
    match_format_exactly,
)
from tunix_rt_backend.contracts.scorers import (
    SCORERS,
    ScoreResult,
    get_scorer,
    list_scorers,
)
from tunix_rt_backend.contracts.trace import TraceContent, make_steps

GOOD_STEP = "Natalia sold 48 / 2 = 24 clips in May."  # 38 characters: a healthy length


def trace_with_steps(*steps: str, final_answer: str = "72") -> TraceContent:
    return TraceContent(
        prompt="How many clips?",
        steps=make_steps(steps),
        final_answer=final_answer,
        reference_answer="72",
    )


def trace_with_response(response: str, reference: str | None = "72") -> TraceContent:
    return TraceContent(
        prompt="How many clips?", reference_answer=reference, metadata={"response": response}
    )


# --------------------------------------------------------------------------- registry


def test_registry_lists_the_required_scorers_in_order() -> None:
    names = [scorer.name for scorer in list_scorers()]
    assert names == ["baseline", "format_exact", "format_approx", "answer_match", "gsm8k_reward"]
    assert list(SCORERS) == names
    versions = {scorer.name: scorer.version for scorer in list_scorers()}
    # The strict workbench scorers are version 2; the Tunix example's stay at version 1.
    assert versions == {
        "baseline": "1",
        "format_exact": "2",
        "format_approx": "1",
        "answer_match": "2",
        "gsm8k_reward": "1",
    }
    for scorer in list_scorers():
        assert scorer.description
        assert scorer.min_value < scorer.max_value
        assert get_scorer(scorer.name) is scorer


def test_unknown_scorer_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="unknown scorer 'nope'; known scorers: baseline"):
        get_scorer("nope")


def test_results_are_json_ready_and_within_range() -> None:
    traces = [
        trace_with_steps(GOOD_STEP, GOOD_STEP),
        trace_with_steps(),
        trace_with_response("<reasoning>a</reasoning><answer>72</answer>"),
        trace_with_response("nothing", reference=None),
    ]
    for scorer in list_scorers():
        for trace in traces:
            result = scorer(trace)
            assert isinstance(result, ScoreResult)
            assert scorer.min_value <= result.value <= scorer.max_value
            assert result.details
            json.dumps(result.details)  # stored as JSON


# --------------------------------------------------------------------------- baseline


def test_baseline_no_steps_is_zero() -> None:
    result = get_scorer("baseline")(trace_with_steps("", "   "))
    assert (result.value, result.label) == (0.0, "no_steps")
    assert result.details["step_count"] == 0


def test_baseline_components_are_explained() -> None:
    result = get_scorer("baseline")(trace_with_steps(GOOD_STEP, GOOD_STEP, GOOD_STEP))
    assert result.value == 100.0
    assert result.label == "good"
    assert result.details["step_count"] == 3
    assert result.details["mean_step_chars"] == len(GOOD_STEP)
    assert result.details["step_count_points"] == 50.0
    assert result.details["step_length_points"] == 50.0


def test_baseline_rewards_more_steps_up_to_three() -> None:
    baseline = get_scorer("baseline")
    values = [baseline(trace_with_steps(*[GOOD_STEP] * n)).value for n in range(0, 6)]
    assert values[0] < values[1] < values[2] < values[3]
    assert values[3] == values[4] == values[5] == 100.0


def test_baseline_penalises_tiny_and_huge_steps() -> None:
    baseline = get_scorer("baseline")
    tiny = baseline(trace_with_steps("a", "b", "c"))
    short = baseline(trace_with_steps("ten chars.", "ten chars.", "ten chars."))
    healthy = baseline(trace_with_steps(GOOD_STEP, GOOD_STEP, GOOD_STEP))
    long = baseline(trace_with_steps(*["x" * 600] * 3))
    longer = baseline(trace_with_steps(*["x" * 3000] * 3))
    assert tiny.value < short.value < healthy.value
    assert healthy.value > long.value > longer.value
    assert short.details["step_length_points"] == 25.0
    assert long.details["step_length_points"] == 25.0
    assert tiny.label == "fair"


# --------------------------------------------------------------------------- format


def test_format_exact_on_raw_responses() -> None:
    format_exact = get_scorer("format_exact")
    good = format_exact(trace_with_response("<reasoning>r</reasoning>\n<answer>72</answer>\n"))
    assert (good.value, good.label, good.details["response_source"]) == (1.0, "match", "raw")
    assert good.details["extracted_answer"] == "72"
    missing_close = format_exact(trace_with_response("<reasoning>r</reasoning><answer>72"))
    assert (missing_close.value, missing_close.label) == (0.0, "no_match")


def test_format_exact_on_rendered_steps() -> None:
    format_exact = get_scorer("format_exact")
    result = format_exact(trace_with_steps(GOOD_STEP))
    assert (result.value, result.details["response_source"]) == (1.0, "rendered")
    assert format_exact(trace_with_steps()).value == 0.0  # no steps: empty reasoning
    assert format_exact(trace_with_steps(GOOD_STEP, final_answer="")).value == 0.0


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("<reasoning>r</reasoning><answer>72</answer>", 2.0),
        ("<reasoning>r</reasoning><answer>72", 1.0),
        ("<reasoning>r<reasoning>r</reasoning><answer>72</answer>", 1.0),
        ("72", -2.0),
    ],
)
def test_format_approx(response: str, expected: float) -> None:
    result = get_scorer("format_approx")(trace_with_response(response))
    assert result.value == expected
    assert match_format_approximately([""], [response]) == [expected]


# --------------------------------------------------------------------------- answer_match


def test_answer_match_reads_tagged_final_answers_and_normalises() -> None:
    answer_match = get_scorer("answer_match")
    result = answer_match(trace_with_steps(GOOD_STEP, final_answer="<answer>$72.00</answer>"))
    assert (result.value, result.label) == (1.0, "correct")
    assert result.details["extracted"] == "$72.00"
    assert result.details["predicted_normalized"] == "72"
    assert result.details["reference_normalized"] == "72"
    assert result.details["comparison"] == "numeric"
    wrong = answer_match(trace_with_steps(GOOD_STEP, final_answer="73"))
    assert (wrong.value, wrong.label) == (0.0, "incorrect")


def test_answer_match_never_reads_the_raw_response() -> None:
    # Version 1 fell back to the raw response when the final answer was empty; version 2
    # scores the parsed final answer only, so a response that never answers earns nothing.
    result = get_scorer("answer_match")(trace_with_response("Work...\nThe answer is 72."))
    assert (result.value, result.label) == (0.0, "no_answer")


def test_answer_match_without_reference() -> None:
    trace = TraceContent(prompt="q", steps=make_steps(["s"]), final_answer="72")
    result = get_scorer("answer_match")(trace)
    assert (result.value, result.label) == (0.0, "no_reference")
    assert "no reference_answer" in result.details["reason"]


def test_answer_match_with_no_answer() -> None:
    result = get_scorer("answer_match")(trace_with_steps(GOOD_STEP, final_answer=""))
    assert (result.value, result.label) == (0.0, "no_answer")
    assert result.details["reason"] == "the trace has no final answer"


# --------------------------------------------------------------------------- gsm8k_reward

# (response, reference, format_exact, format_approx, answer, numbers): hand-computed from the
# Tunix GRPO example's rules.
REWARD_CASES = [
    # exact: 3 + 4 x 0.5 + 3 + 1.5
    ("<reasoning>48/2 = 24; 48 + 24 = 72</reasoning><answer>72</answer>", "72", 3, 2, 3, 1.5),
    # equal only after stripping: 1.5; the first number is still 72
    ("<reasoning>r</reasoning>\n<answer> 72 </answer>", "72", 3, 2, 1.5, 1.5),
    # 75 / 72 = 1.04: within 10 %
    ("<reasoning>r</reasoning><answer>75</answer>", "72", 3, 2, 0.5, 0),
    # 84 / 72 = 1.17: within 20 %
    ("<reasoning>r</reasoning><answer>84</answer>", "72", 3, 2, 0.25, 0),
    # 100 / 72: wrong
    ("<reasoning>r</reasoning><answer>100</answer>", "72", 3, 2, -1, 0),
    # not a number
    ("<reasoning>r</reasoning><answer>seventy-two</answer>", "72", 3, 2, -0.5, 0),
    # a sentence in the answer: not a number for check_answer, but check_numbers finds 72
    ("<reasoning>r</reasoning><answer>It is 72 clips</answer>", "72", 3, 2, -0.5, 1.5),
    # no tags at all
    ("The answer is 72.", "72", 0, -2, 0, 0),
    # missing </answer>: no exact format, so no extracted answer; the number still counts
    ("<reasoning>r</reasoning><answer>72", "72", 0, 1, 0, 1.5),
    # repeated reasoning tags still match the exact regex, but lose the approximate points
    ("<reasoning>a</reasoning><reasoning>b</reasoning><answer>72</answer>", "72", 3, 0, 3, 1.5),
    # MULTILINE "$" (as in the example): text on a later line does not break the format
    ("<reasoning>r</reasoning><answer>72</answer>\nThanks!", "72", 3, 2, 3, 1.5),
    # the stop marker is not part of the response
    ("<reasoning>r</reasoning><answer>72</answer><end_of_turn>", "72", 3, 2, 3, 1.5),
    # zero reference: the ratio fails, penalised like a non-number
    ("<reasoning>r</reasoning><answer>5</answer>", "0", 3, 2, -0.5, 0),
    # float() does not read thousands separators (as in the example)
    ("<reasoning>r</reasoning><answer>1200</answer>", "1,200", 3, 2, -0.5, 0),
]


@pytest.mark.parametrize(
    ("response", "reference", "exact", "approx", "answer", "numbers"), REWARD_CASES
)
def test_gsm8k_reward_hand_computed(
    response: str, reference: str, exact: float, approx: float, answer: float, numbers: float
) -> None:
    result = get_scorer("gsm8k_reward")(trace_with_response(response, reference))
    details = result.details
    assert (details["format_exact"], details["format_approx"]) == (exact, approx)
    assert (details["answer"], details["numbers"]) == (answer, numbers)
    assert result.value == pytest.approx(exact + approx + answer + numbers)
    assert details["total"] == result.value
    assert details["response_source"] == "raw"


@pytest.mark.parametrize(
    ("response", "reference", "exact", "approx", "answer", "numbers"), REWARD_CASES
)
def test_reward_functions_give_the_scorers_numbers(
    response: str, reference: str, exact: float, approx: float, answer: float, numbers: float
) -> None:
    prompts, completions, answers = ["q"], [response], [reference]
    assert match_format_exactly(prompts, completions) == [exact]
    assert match_format_approximately(prompts, completions) == [approx]
    assert check_answer(prompts, completions, answers) == [answer]
    assert check_numbers(prompts, completions, answer=answers, question=["q"]) == [numbers]
    total = sum(
        fn(prompts=prompts, completions=completions, answer=answers)[0] for fn in REWARD_FUNCTIONS
    )
    trace = trace_with_response(response, reference)
    assert total == get_scorer("gsm8k_reward")(trace).value
    # The strict format_exact (version 2) passes only what the example's regex passes too;
    # it refuses some of what the regex accepts (repeated tags, text after the answer).
    assert (
        3 * get_scorer("format_exact")(trace).value <= match_format_exactly(prompts, completions)[0]
    )
    assert (
        match_format_approximately(prompts, completions)[0]
        == get_scorer("format_approx")(trace).value
    )


def test_reward_range() -> None:
    assert (GSM8K_REWARD_MIN, GSM8K_REWARD_MAX) == (-3.0, 9.5)


def test_gsm8k_reward_without_reference_scores_format_only() -> None:
    result = get_scorer("gsm8k_reward")(
        trace_with_response("<reasoning>r</reasoning><answer>72</answer>", reference=None)
    )
    assert (result.value, result.label) == (5.0, "no_reference")


def test_reward_functions_batch_and_check_lengths() -> None:
    completions = ["<reasoning>r</reasoning><answer>72</answer>", "no format"]
    assert match_format_exactly(["a", "b"], completions) == [3.0, 0.0]
    assert check_answer(["a", "b"], completions, ["72", "72"]) == [3.0, 0.0]
    with pytest.raises(ValueError, match="2 completions but 1 answers"):
        check_numbers(["a", "b"], completions, ["72"])
