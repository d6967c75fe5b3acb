"""Contracts on real GSM8K rows (MIT), from the copy that ships with the package."""

import json
import re
from fractions import Fraction
from typing import Any

import pytest

from tunix_rt_backend.contracts.numbers import normalize_number, parse_number
from tunix_rt_backend.contracts.parsing import (
    gsm8k_to_trace,
    parse_gsm8k_solution,
    parse_response,
)
from tunix_rt_backend.contracts.records import TrainingExample, prompt_only_record, tunix_sft_record
from tunix_rt_backend.contracts.rewards import REWARD_FUNCTIONS
from tunix_rt_backend.contracts.scorers import get_scorer
from tunix_rt_backend.contracts.template import (
    DEFAULT_SYSTEM_INSTRUCTION,
    render_response,
    render_tunix_sft_completion,
    render_tunix_sft_prompt,
)
from tunix_rt_backend.contracts.trace import TraceContent
from tunix_rt_backend.data import gsm8k_file

ROWS = 200


def read_rows(split: str, limit: int | None = None) -> list[dict[str, Any]]:
    path = gsm8k_file(split)
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if limit is not None and len(rows) >= limit:
                break
            rows.append(json.loads(line))
    return rows


@pytest.fixture(scope="module")
def train_rows() -> list[dict[str, Any]]:
    return read_rows("train", ROWS)


@pytest.fixture(scope="module")
def traces(train_rows: list[dict[str, Any]]) -> list[TraceContent]:
    return [
        gsm8k_to_trace(row["question"], row["answer"], id=f"gsm8k-train-{i}")
        for i, row in enumerate(train_rows)
    ]


NUMERIC = re.compile(r"-?[0-9][0-9,]*(?:\.[0-9]+)?")


def test_first_rows_parse(train_rows: list[dict[str, Any]]) -> None:
    assert len(train_rows) == ROWS
    for row in train_rows:
        steps, final = parse_gsm8k_solution(row["answer"])
        assert steps, row
        assert not any("<<" in step or ">>" in step for step in steps), row
        assert NUMERIC.fullmatch(final), final
        assert normalize_number(final) is not None
        kept, _ = parse_gsm8k_solution(row["answer"], keep_calculator_marks=True)
        assert len(kept) == len(steps)


def test_every_row_of_both_splits_parses() -> None:
    for split in ("train", "test"):
        for row in read_rows(split):
            _, final = parse_gsm8k_solution(row["answer"])
            assert normalize_number(final) is not None, final


def test_tunix_sft_record_of_a_real_row(traces: list[TraceContent]) -> None:
    record = tunix_sft_record(traces[0], "tags", DEFAULT_SYSTEM_INSTRUCTION)
    prompt = (
        "<start_of_turn>user\n"
        "You are given a problem. Think about the problem and provide your working out. "
        "Place it between <reasoning> and </reasoning>. Then, provide your final answer "
        "between <answer> and </answer>.\n"
        "\n"
        "Natalia sold clips to 48 of her friends in April, and then she sold half as many clips "
        "in May. How many clips did Natalia sell altogether in April and May?<end_of_turn>\n"
        "<start_of_turn>model\n"
    )
    completion = (
        "<reasoning>Natalia sold 48/2 = 24 clips in May.\n"
        "Natalia sold 48+24 = 72 clips altogether in April and May.</reasoning>"
        "<answer>72</answer><end_of_turn>"
    )
    assert record == {
        "id": "gsm8k-train-0",
        "prompts": prompt + completion,
        "prompt": prompt,
        "completion": completion,
        "final_answer": "72",
        "metadata": {"reference_answer": "72"},
    }
    example = TrainingExample.from_trace(traces[0], "tags", DEFAULT_SYSTEM_INSTRUCTION)
    assert render_tunix_sft_prompt(example) == prompt
    assert render_tunix_sft_completion(example) == completion


def test_prompt_only_record_of_a_real_row(traces: list[TraceContent]) -> None:
    record = prompt_only_record(traces[0], DEFAULT_SYSTEM_INSTRUCTION)
    assert record["answer"] == "72"
    assert record["question"].startswith("Natalia sold clips")
    assert record["prompts"].endswith("<end_of_turn>\n<start_of_turn>model\n")


def test_rendered_rows_parse_back(traces: list[TraceContent]) -> None:
    for trace in traces:
        tags = parse_response(render_response(trace.steps, trace.final_answer, "tags"), "tags")
        numbered = parse_response(
            render_response(trace.steps, trace.final_answer, "numbered"), "numbered"
        )
        for parsed in (tags, numbered):
            assert parsed.steps == trace.step_contents()
            assert parsed.final_answer == trace.final_answer


def perturbed(answer: str) -> str:
    value = parse_number(answer)
    assert value is not None
    return str(value + Fraction(1))


def test_answer_match_on_real_rows(traces: list[TraceContent]) -> None:
    answer_match = get_scorer("answer_match")
    for trace in traces:
        assert answer_match(trace).value == 1.0, trace.final_answer
        wrong = trace.model_copy(update={"final_answer": perturbed(trace.final_answer)})
        result = answer_match(wrong)
        assert (result.value, result.label) == (0.0, "incorrect"), trace.final_answer


def test_format_scorers_on_real_rows(traces: list[TraceContent]) -> None:
    format_exact = get_scorer("format_exact")
    format_approx = get_scorer("format_approx")
    for trace in traces:
        response = render_response(trace.steps, trace.final_answer, "tags")
        raw = trace.model_copy(update={"metadata": {"response": response}})
        truncated = trace.model_copy(
            update={"metadata": {"response": response.removesuffix("</answer>")}}
        )
        assert format_exact(trace).value == 1.0
        assert format_exact(raw).value == 1.0
        assert format_exact(raw).details["response_source"] == "raw"
        assert format_exact(truncated).value == 0.0
        assert format_approx(raw).value == 2.0
        assert format_approx(truncated).value == 1.0


def test_gsm8k_reward_on_real_rows(traces: list[TraceContent]) -> None:
    gsm8k_reward = get_scorer("gsm8k_reward")
    for trace in traces:
        reference = trace.reference_answer
        assert reference is not None
        result = gsm8k_reward(trace)
        # The example's check_numbers reads digits and dots only, then float(): a reference
        # with a sign or thousands separators never earns the 1.5.
        numbers = 1.5 if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", reference) else 0.0
        assert result.value == 3.0 + 2.0 + 3.0 + numbers, reference

        response = render_response(trace.steps, trace.final_answer, "tags")
        rewards = [
            fn(prompts=[trace.prompt], completions=[response], answer=[reference])[0]
            for fn in REWARD_FUNCTIONS
        ]
        assert sum(rewards) == result.value


def test_baseline_on_real_rows(traces: list[TraceContent]) -> None:
    baseline = get_scorer("baseline")
    for trace in traces:
        result = baseline(trace)
        assert 0.0 < result.value <= 100.0
        assert result.details["step_count"] == len(trace.steps)
