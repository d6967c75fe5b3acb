"""The arithmetic problem generator: deterministic, unique, arithmetically right."""

import re
from typing import Any

import pytest
from pydantic import ValidationError

from tunix_rt_backend.contracts import ArithmeticSpec, generate_arithmetic
from tunix_rt_backend.contracts.arithmetic import trace_fields
from tunix_rt_backend.contracts.trace import TraceContent

STEP = re.compile(r"^(\d+) ([-+*]) (\d+) = (\d+)$")
ALL_OPS: list[Any] = ["+", "-", "*"]


def apply(a: int, op: str, b: int) -> int:
    return {"+": a + b, "-": a - b, "*": a * b}[op]


def test_the_documented_shape() -> None:
    [trace] = generate_arithmetic(ArithmeticSpec(count=1, seed=0))
    assert trace.prompt.endswith("have now?")
    assert re.match(r"^[A-Z][a-z]+ has \d+ [a-z]+\. ", trace.prompt)
    assert [s.type for s in trace.steps] == ["reasoning"] * len(trace.steps)
    assert trace.final_answer == trace.reference_answer
    assert trace.metadata["generator"] == {
        "name": "arithmetic",
        "version": "1",
        "seed": 0,
        "index": 0,
    }
    assert trace.metadata["difficulty"] == len(trace.steps)


def test_same_spec_same_bytes_other_seed_other_problems() -> None:
    spec = ArithmeticSpec(count=300, seed=7, operations=ALL_OPS)
    first = [t.model_dump_json() for t in generate_arithmetic(spec)]
    assert first == [t.model_dump_json() for t in generate_arithmetic(spec)]
    other = generate_arithmetic(spec.model_copy(update={"seed": 8}))
    assert {t.prompt for t in other} != {TraceContent.model_validate_json(j).prompt for j in first}


def test_prompts_are_unique() -> None:
    traces = generate_arithmetic(ArithmeticSpec(count=2000, seed=1, min_steps=1, max_steps=1))
    assert len({t.prompt for t in traces}) == 2000


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_steps_are_right_and_never_negative(seed: int) -> None:
    spec = ArithmeticSpec(count=500, seed=seed, min_steps=1, max_steps=8, operations=ALL_OPS)
    seen_ops: set[str] = set()
    for trace in generate_arithmetic(spec):
        start = int(re.findall(r"has (\d+) ", trace.prompt)[0])
        value = start
        ops = []
        for step in trace.steps:
            match = STEP.match(step.content)
            assert match, step.content
            a, op, b, c = int(match[1]), match[2], int(match[3]), int(match[4])
            assert a == value  # each step continues from the last result
            assert apply(a, op, b) == c >= 0
            if op == "*":
                assert 2 <= b <= 5
            else:
                assert 1 <= b <= 30
            ops.append(op)
            value = c
        assert trace.final_answer == str(value)
        assert trace.metadata["operations"] == ops
        assert 1 <= trace.metadata["difficulty"] == len(ops) <= 8
        seen_ops.update(ops)
    assert seen_ops == {"+", "-", "*"}


def test_only_the_asked_operations_and_ranges() -> None:
    spec = ArithmeticSpec(
        count=200, seed=3, min_steps=4, max_steps=4, operand_min=2, operand_max=9, operations=["-"]
    )
    for trace in generate_arithmetic(spec):
        assert len(trace.steps) == 4
        for step in trace.steps:
            match = STEP.match(step.content)
            assert match
            assert match[2] == "-"
            assert 2 <= int(match[3]) <= 9


def test_answer_only_has_the_same_problems_without_steps() -> None:
    spec = ArithmeticSpec(count=100, seed=5)
    full = generate_arithmetic(spec)
    bare = generate_arithmetic(spec.model_copy(update={"answer_only": True}))
    assert [(t.prompt, t.final_answer, t.metadata) for t in bare] == [
        (t.prompt, t.final_answer, t.metadata) for t in full
    ]
    assert all(not t.steps for t in bare)
    fields = trace_fields(spec.model_copy(update={"answer_only": True}))
    assert fields[0]["tags"] == ["arithmetic", f"steps-{len(full[0].steps)}", "answer-only"]
    assert fields[0]["steps"] == []
    assert trace_fields(spec)[0]["tags"] == [
        "arithmetic",
        f"steps-{len(full[0].steps)}",
        "worked",
    ]
    assert trace_fields(spec)[0]["source"] == "arithmetic"


def test_operations_order_does_not_matter() -> None:
    a = generate_arithmetic(ArithmeticSpec(count=20, operations=["-", "+"]))
    b = generate_arithmetic(ArithmeticSpec(count=20, operations=["+", "-"]))
    assert a == b


def test_a_space_too_small_says_which_knobs_to_widen() -> None:
    spec = ArithmeticSpec(
        count=5000, min_steps=1, max_steps=1, operand_max=2, start_min=5, start_max=5
    )
    with pytest.raises(ValueError, match="space of problems is too small") as raised:
        generate_arithmetic(spec)
    message = str(raised.value)
    assert "operand_min..operand_max, now 1..2" in message
    assert "start_min..start_max, now 5..5" in message


@pytest.mark.parametrize(
    "fields",
    [
        {"count": 0},
        {"count": 100_001},
        {"count": 5, "seed": -1},
        {"count": 5, "min_steps": 0},
        {"count": 5, "max_steps": 9},
        {"count": 5, "min_steps": 3, "max_steps": 2},
        {"count": 5, "operand_min": 10, "operand_max": 5},
        {"count": 5, "start_min": 10, "start_max": 5},
        {"count": 5, "operations": []},
        {"count": 5, "operations": ["/"]},
        {"count": 5, "operations": ["+", "+"]},
        {"count": 5, "operations": ["*"], "operand_max": 1},
        {"count": 5, "colour": "red"},
        {},
    ],
)
def test_bad_specs_are_refused(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ArithmeticSpec(**fields)
