import json
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

import pytest
from pydantic import ValidationError

from tunix_rt_backend.contracts.records import (
    EXPORT_FORMATS,
    TrainingExample,
    build_record,
    chat_record,
    prompt_only_record,
    trace_record,
    tunix_sft_record,
)
from tunix_rt_backend.contracts.scorers import list_scorers
from tunix_rt_backend.contracts.template import DEFAULT_SYSTEM_INSTRUCTION
from tunix_rt_backend.contracts.trace import Step, TraceContent, make_steps

TRACE = TraceContent(
    id="trace-1",
    prompt="How many apples?",
    steps=(
        Step(type="reasoning", content="3 red + 4 green."),
        Step(type="calc", content="3 + 4 = 7"),
    ),
    final_answer="7",
    reference_answer="7",
    metadata={"source": "unit", "tags": ["a"]},
)


def test_trace_record() -> None:
    assert trace_record(TRACE) == {
        "id": "trace-1",
        "prompts": "How many apples?",
        "trace_steps": ["3 red + 4 green.", "3 + 4 = 7"],
        "final_answer": "7",
        "metadata": {"source": "unit", "tags": ["a"], "reference_answer": "7"},
    }


def test_tunix_sft_record_snapshot() -> None:
    record = tunix_sft_record(TRACE, "tags", "Be brief.")
    assert record == {
        "id": "trace-1",
        "prompts": (
            "<start_of_turn>user\nBe brief.\n\nHow many apples?<end_of_turn>\n"
            "<start_of_turn>model\n"
            "<reasoning>3 red + 4 green.\n3 + 4 = 7</reasoning><answer>7</answer><end_of_turn>"
        ),
        "prompt": (
            "<start_of_turn>user\nBe brief.\n\nHow many apples?<end_of_turn>\n"
            "<start_of_turn>model\n"
        ),
        "completion": (
            "<reasoning>3 red + 4 green.\n3 + 4 = 7</reasoning><answer>7</answer><end_of_turn>"
        ),
        "final_answer": "7",
        "metadata": {"source": "unit", "tags": ["a"], "reference_answer": "7"},
    }
    assert record["prompts"] == record["prompt"] + record["completion"]


def test_tunix_sft_record_numbered() -> None:
    record = tunix_sft_record(TRACE, "numbered")
    assert record["completion"] == (
        "Reasoning:\n1. 3 red + 4 green.\n2. 3 + 4 = 7\nAnswer: 7<end_of_turn>"
    )


def test_chat_record_snapshot() -> None:
    assert chat_record(TRACE, "tags", "Be brief.") == {
        "id": "trace-1",
        "messages": [
            {"role": "user", "content": "Be brief.\n\nHow many apples?"},
            {
                "role": "assistant",
                "content": "<reasoning>3 red + 4 green.\n3 + 4 = 7</reasoning><answer>7</answer>",
            },
        ],
        "metadata": {"source": "unit", "tags": ["a"], "reference_answer": "7"},
    }


def test_prompt_only_record_snapshot() -> None:
    record = prompt_only_record(TRACE, DEFAULT_SYSTEM_INSTRUCTION)
    assert record == {
        "id": "trace-1",
        "prompts": (
            "<start_of_turn>user\n"
            f"{DEFAULT_SYSTEM_INSTRUCTION}\n\nHow many apples?<end_of_turn>\n"
            "<start_of_turn>model\n"
        ),
        "question": "How many apples?",
        "answer": "7",
        "metadata": {"source": "unit", "tags": ["a"], "reference_answer": "7"},
    }


def test_prompt_only_answer_prefers_the_reference() -> None:
    wrong = TRACE.model_copy(update={"final_answer": "8"})
    assert prompt_only_record(wrong)["answer"] == "7"
    unknown = TRACE.model_copy(update={"final_answer": "8", "reference_answer": None})
    assert prompt_only_record(unknown)["answer"] == "8"


def test_metadata_keeps_an_existing_reference_answer_and_is_a_copy() -> None:
    trace = TRACE.model_copy(update={"metadata": {"reference_answer": "seven"}})
    record = trace_record(trace)
    assert record["metadata"] == {"reference_answer": "seven"}
    record["metadata"]["extra"] = 1
    assert trace.metadata == {"reference_answer": "seven"}
    no_reference = TRACE.model_copy(update={"reference_answer": None})
    assert "reference_answer" not in tunix_sft_record(no_reference)["metadata"]


def test_build_record_dispatches_every_format() -> None:
    assert EXPORT_FORMATS == ("trace", "tunix_sft", "chat", "prompt_only")
    expected_keys = {
        "trace": {"id", "prompts", "trace_steps", "final_answer", "metadata"},
        "tunix_sft": {"id", "prompts", "prompt", "completion", "final_answer", "metadata"},
        "chat": {"id", "messages", "metadata"},
        "prompt_only": {"id", "prompts", "question", "answer", "metadata"},
    }
    for export_format in EXPORT_FORMATS:
        record = build_record(export_format, TRACE, "tags", "Sys.")
        assert set(record) == expected_keys[export_format]
        assert json.loads(json.dumps(record)) == record
    assert build_record("tunix_sft", TRACE, "numbered", "Sys.") == tunix_sft_record(
        TRACE, "numbered", "Sys."
    )
    with pytest.raises(ValueError, match="unknown export format 'csv'"):
        build_record("csv", TRACE)  # type: ignore[arg-type]


def test_training_example_round_trips_through_json() -> None:
    for style in ("tags", "numbered"):
        example = TrainingExample.from_trace(TRACE, style, DEFAULT_SYSTEM_INSTRUCTION)
        again = TrainingExample.model_validate_json(example.model_dump_json())
        assert again == example


def test_training_example_matches_the_chat_record() -> None:
    example = TrainingExample.from_trace(TRACE, "tags", "Sys.")
    record = chat_record(TRACE, "tags", "Sys.")
    assert example.prompt == record["messages"][0]["content"]
    assert example.response == record["messages"][1]["content"]
    assert TrainingExample.from_chat_record(record) == example
    with pytest.raises(ValueError, match="a chat record needs"):
        TrainingExample.from_chat_record({"messages": [{"role": "user", "content": "x"}]})


def test_training_example_without_trace_id_gets_a_stable_one() -> None:
    anonymous = TraceContent(prompt="q", steps=make_steps(["s"]), final_answer="1")
    first = TrainingExample.from_trace(anonymous)
    assert first.id.startswith("sha256:")
    assert TrainingExample.from_trace(anonymous).id == first.id
    other = anonymous.model_copy(update={"final_answer": "2"})
    assert TrainingExample.from_trace(other).id != first.id


def test_training_example_refuses_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        TrainingExample.model_validate({"id": "1", "prompt": "p", "response": "r", "x": 1})


def test_trace_content_is_frozen_and_strict() -> None:
    with pytest.raises(ValidationError):
        TraceContent.model_validate(
            {"prompt": "p", "steps": [{"type": "a", "content": "b", "x": 1}]}
        )
    with pytest.raises(ValidationError):
        TRACE.final_answer = "8"  # type: ignore[misc]


def test_trace_content_validates_dicts_and_reads_the_response() -> None:
    trace = TraceContent.model_validate(
        {
            "prompt": "p",
            "steps": [{"type": "reasoning", "content": "s"}],
            "metadata": {"response": "<answer>1</answer>"},
        }
    )
    assert trace.steps == (Step(type="reasoning", content="s"),)
    assert trace.response_text() == "<answer>1</answer>"
    assert TraceContent(prompt="p", metadata={"response": 3}).response_text() is None


def test_model_construct_traces_give_the_same_records() -> None:
    fast = TraceContent.model_construct(
        prompt="How many apples?",
        steps=tuple(Step.model_construct(type=s.type, content=s.content) for s in TRACE.steps),
        final_answer="7",
        reference_answer="7",
        metadata={"source": "unit", "tags": ["a"]},
        id="trace-1",
    )
    for export_format in EXPORT_FORMATS:
        assert build_record(export_format, fast) == build_record(export_format, TRACE)
    assert TraceContent.model_construct(prompt="p").metadata == {}


@dataclass(frozen=True, slots=True)
class LightTrace:
    """What a backend may pass instead of TraceContent to skip validation."""

    prompt: str
    steps: tuple[str, ...]
    final_answer: str
    reference_answer: str | None
    id: str | None
    metadata: dict[str, Any] = field(default_factory=dict)


def test_light_trace_objects_give_the_same_records_and_scores() -> None:
    light = LightTrace(
        prompt=TRACE.prompt,
        steps=tuple(TRACE.step_contents()),
        final_answer=TRACE.final_answer,
        reference_answer=TRACE.reference_answer,
        id=TRACE.id,
        metadata=dict(TRACE.metadata),
    )
    for export_format in EXPORT_FORMATS:
        for style in ("tags", "numbered"):
            assert build_record(export_format, light, style, "Sys.") == build_record(
                export_format, TRACE, style, "Sys."
            )
    for scorer in list_scorers():
        assert scorer(light) == scorer(TRACE)
    assert TrainingExample.from_trace(light) == TrainingExample.from_trace(TRACE)


def test_contracts_import_nothing_from_the_server() -> None:
    code = "import sys, tunix_rt_backend.contracts; print('\\n'.join(sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    forbidden = {
        "fastapi",
        "starlette",
        "sqlalchemy",
        "alembic",
        "asyncpg",
        "aiosqlite",
        "uvicorn",
        "httpx",
        "jax",
        "flax",
        "numpy",
        "tunix",
    }
    assert sorted({name.split(".")[0] for name in loaded} & forbidden) == []
