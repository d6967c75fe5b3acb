"""Snapshot tests of the exact Gemma / response text. A change here changes what models train on:
update the expected strings only on purpose."""

import pytest

from tunix_rt_backend.contracts.records import TrainingExample
from tunix_rt_backend.contracts.template import (
    DEFAULT_SYSTEM_INSTRUCTION,
    MODEL_TURN_PREFIX,
    render_completion,
    render_conversation,
    render_prompt,
    render_response,
    render_tunix_sft_completion,
    render_tunix_sft_prompt,
    render_user_content,
    render_user_turn,
    strip_end_of_turn,
)
from tunix_rt_backend.contracts.trace import Step, TraceContent

STEPS = ["There are 3 red apples and 4 green apples.", "3 + 4 = 7."]


def test_default_system_instruction_is_the_tunix_grpo_prompt() -> None:
    assert DEFAULT_SYSTEM_INSTRUCTION == (
        "You are given a problem. Think about the problem and provide your working out. "
        "Place it between <reasoning> and </reasoning>. Then, provide your final answer "
        "between <answer> and </answer>."
    )


def test_user_turn_without_system() -> None:
    assert render_user_turn("How many apples?") == (
        "<start_of_turn>user\nHow many apples?<end_of_turn>\n"
    )


def test_user_turn_folds_system_instruction_into_user_turn() -> None:
    assert render_user_turn("How many apples?", system="Answer briefly.") == (
        "<start_of_turn>user\nAnswer briefly.\n\nHow many apples?<end_of_turn>\n"
    )


@pytest.mark.parametrize("system", [None, "", "   \n"])
def test_empty_system_instruction_means_none(system: str | None) -> None:
    assert render_user_turn("Q?", system=system) == "<start_of_turn>user\nQ?<end_of_turn>\n"


def test_prompt_ends_with_model_turn_prefix() -> None:
    assert MODEL_TURN_PREFIX == "<start_of_turn>model\n"
    assert render_prompt("How many apples?") == (
        "<start_of_turn>user\nHow many apples?<end_of_turn>\n<start_of_turn>model\n"
    )


def test_tags_response() -> None:
    assert render_response(STEPS, "7") == (
        "<reasoning>There are 3 red apples and 4 green apples.\n3 + 4 = 7.</reasoning>"
        "<answer>7</answer>"
    )


def test_numbered_response() -> None:
    assert render_response(STEPS, "7", "numbered") == (
        "Reasoning:\n1. There are 3 red apples and 4 green apples.\n2. 3 + 4 = 7.\nAnswer: 7"
    )


def test_responses_without_steps() -> None:
    assert render_response([], "7") == "<reasoning></reasoning><answer>7</answer>"
    assert render_response([], "7", "numbered") == "Reasoning:\nAnswer: 7"


def test_completion_and_conversation() -> None:
    completion = render_completion(STEPS, "7")
    assert completion == render_response(STEPS, "7") + "<end_of_turn>"
    assert render_conversation("How many apples?", STEPS, "7", system="Be brief.") == (
        "<start_of_turn>user\nBe brief.\n\nHow many apples?<end_of_turn>\n"
        "<start_of_turn>model\n"
        "<reasoning>There are 3 red apples and 4 green apples.\n3 + 4 = 7.</reasoning>"
        "<answer>7</answer><end_of_turn>"
    )


def test_full_conversation_with_default_system_instruction() -> None:
    text = render_conversation(
        "What is 6 x 7?", ["6 x 7 = 42"], "42", "numbered", DEFAULT_SYSTEM_INSTRUCTION
    )
    assert text == (
        "<start_of_turn>user\n"
        "You are given a problem. Think about the problem and provide your working out. "
        "Place it between <reasoning> and </reasoning>. Then, provide your final answer "
        "between <answer> and </answer>.\n"
        "\n"
        "What is 6 x 7?<end_of_turn>\n"
        "<start_of_turn>model\n"
        "Reasoning:\n"
        "1. 6 x 7 = 42\n"
        "Answer: 42<end_of_turn>"
    )


def test_line_endings_do_not_change_the_text() -> None:
    unix = render_conversation("Line one\nline two", ["a\nb", "c"], "7", system="S\nT")
    windows = render_conversation("Line one\r\nline two", ["a\r\nb", "c"], "7", system="S\r\nT")
    old_mac = render_conversation("Line one\rline two", ["a\rb", "c"], "7", system="S\rT")
    assert unix == windows == old_mac


def test_steps_are_one_line_each_and_empty_steps_are_dropped() -> None:
    steps = ["  First,\n  add the apples.  ", "   ", "\n", "Then\n\n count."]
    assert render_response(steps, " 7\n") == (
        "<reasoning>First, add the apples.\nThen count.</reasoning><answer>7</answer>"
    )
    assert render_response(steps, "7", "numbered") == (
        "Reasoning:\n1. First, add the apples.\n2. Then count.\nAnswer: 7"
    )


def test_prompt_and_system_are_stripped_but_keep_paragraphs() -> None:
    assert render_user_content("  Para one.\n\nPara two.\n", system="\nSys.  ") == (
        "Sys.\n\nPara one.\n\nPara two."
    )


def test_step_objects_render_like_strings() -> None:
    steps = [Step(type="reasoning", content=text) for text in STEPS]
    assert render_response(steps, "7") == render_response(STEPS, "7")


def test_a_single_string_is_not_a_list_of_steps() -> None:
    with pytest.raises(TypeError, match="not one string"):
        render_response("3 + 4 = 7", "7")


def test_unknown_style_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown response style 'bullets'"):
        render_response(STEPS, "7", "bullets")  # type: ignore[arg-type]


def test_tunix_sft_renderers_agree_for_traces_and_training_examples() -> None:
    trace = TraceContent(
        prompt="How many apples?",
        steps=tuple(Step(type="reasoning", content=text) for text in STEPS),
        final_answer="7",
        id="t1",
    )
    system = DEFAULT_SYSTEM_INSTRUCTION
    for style in ("tags", "numbered"):
        example = TrainingExample.from_trace(trace, style, system)
        expected_prompt = render_prompt(trace.prompt, system)
        expected_completion = render_completion(trace.steps, trace.final_answer, style)
        assert render_tunix_sft_prompt(trace, system) == expected_prompt
        assert render_tunix_sft_completion(trace, style) == expected_completion
        assert render_tunix_sft_prompt(example) == expected_prompt
        assert render_tunix_sft_completion(example) == expected_completion


def test_strip_end_of_turn_cuts_at_the_first_marker() -> None:
    assert strip_end_of_turn("<answer>7</answer><end_of_turn>\nmore") == "<answer>7</answer>"
    assert strip_end_of_turn("no marker") == "no marker"
