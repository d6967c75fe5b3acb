"""Reading lines and records into traces, without a database: splitting, GSM8K, JSONL maps."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tunix_rt_backend.sources import gsm8k, jsonl
from tunix_rt_backend.sources.importer import LineSplitter, build_converter, convert_line
from tunix_rt_backend.sources.schemas import MAP_FIELDS, ImportOptions, MapField

# GSM8K test row 0 (MIT, OpenAI 2021), as it appears in test.jsonl.
JANET = {
    "question": "Janet\u2019s ducks lay 16 eggs per day. She eats three for breakfast every "
    "morning and bakes muffins for her friends every day with four. She sells the remainder at the "
    "farmers' market daily for $2 per fresh duck egg. How much in dollars does she make every "
    "day at the farmers' market?",
    "answer": "Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\nShe makes 9 * 2 = "
    "$<<9*2=18>>18 every day at the farmer\u2019s market.\n#### 18",
}


def split_all(chunks: list[bytes], max_line_bytes: int = 1_000) -> list[tuple[int, bytes | None]]:
    splitter = LineSplitter(max_line_bytes)
    lines = [line for chunk in chunks for line in splitter.feed(chunk)]
    return lines + splitter.finish()


def test_lines_are_numbered_across_chunk_boundaries() -> None:
    data = b'{"a": 1}\n\n{"b": 2}\r\n{"c": 3}'
    expected = [(1, b'{"a": 1}'), (2, b""), (3, b'{"b": 2}\r'), (4, b'{"c": 3}')]
    for size in (1, 2, 3, 7, len(data)):
        chunks = [data[i : i + size] for i in range(0, len(data), size)]
        assert split_all(chunks) == expected, size


def test_an_overlong_line_is_dropped_as_it_arrives_and_reported() -> None:
    splitter = LineSplitter(10)
    assert splitter.feed(b"short\n" + b"x" * 8) == [(1, b"short")]
    assert splitter.feed(b"x" * 50) == []
    assert splitter._pending == bytearray()  # the long line's bytes are not held
    assert splitter.feed(b"x\nok\n") == [(2, None), (3, b"ok")]
    assert splitter.feed(b"y" * 11) == []
    assert splitter.finish() == [(4, None)]


def test_gsm8k_row_becomes_steps_and_answer_without_calculator_marks() -> None:
    trace = gsm8k.row_to_trace(JANET, 0, split="test")
    assert [s.content for s in trace.steps] == [
        "Janet sells 16 - 3 - 4 = 9 duck eggs a day.",
        "She makes 9 * 2 = $18 every day at the farmer\u2019s market.",
    ]
    assert trace.final_answer == trace.reference_answer == "18"
    assert trace.prompt == JANET["question"]
    assert trace.source == "gsm8k"
    assert trace.metadata == {"index": 0, "split": "test"}

    kept = gsm8k.row_to_trace(JANET, 0, split="test", keep_calculator_marks=True)
    assert kept.steps[0].content == "Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day."


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ([1, 2], "expected a JSON object"),
        ({"question": "q"}, "'answer'"),
        ({"question": 5, "answer": "#### 1"}, "'question'"),
        ({"question": "q", "answer": "no marker"}, "####"),
    ],
)
def test_bad_gsm8k_rows_say_what_is_wrong(record: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        gsm8k.row_to_trace(record, 3, split=None)


def test_map_items_are_parsed_and_checked() -> None:
    assert jsonl.parse_map(["prompt=q", " response = out.text "]) == {
        "prompt": "q",
        "response": "out.text",
    }
    for bad, message in [
        (["prompt"], "FIELD=PATH"),
        (["prompt="], "FIELD=PATH"),
        (["answer=x"], "unknown field 'answer'"),
        (["prompt=a", "prompt=b"], "mapped twice"),
    ]:
        with pytest.raises(ValueError, match=message):
            jsonl.parse_map(bad)
    with pytest.raises(ValueError, match="no prompt"):
        jsonl.check_mapping({"final_answer": "a"})
    with pytest.raises(ValueError, match="no answer"):
        jsonl.check_mapping({"prompt": "a"})


def test_map_fields_match_the_declared_literal() -> None:
    assert set(MapField.__args__) == set(MAP_FIELDS)  # type: ignore[attr-defined]


def test_dotted_paths_reach_nested_objects_and_lists() -> None:
    record = {"out": {"choices": [{"text": "a"}, {"text": "b"}]}, "q": "x"}
    assert jsonl.lookup(record, "out.choices.1.text") == "b"
    assert jsonl.lookup(record, "q") == "x"
    for missing in ("out.choices.2.text", "out.text", "q.x", "nope"):
        with pytest.raises(ValueError, match="no value at"):
            jsonl.lookup(record, missing)


def test_model_output_is_parsed_with_the_tags_parser() -> None:
    record = {
        "question": "What is 6 * 7?",
        "gold": 42,
        "out": {"text": "<reasoning>6 * 7 = 42\nCheck: 42 / 7 = 6</reasoning><answer>42</answer>"},
        "labels": ["eval", "run-3"],
        "info": {"model": "gemma-3-1b"},
    }
    mapping: dict[MapField, str] = {
        "prompt": "question",
        "response": "out.text",
        "reference_answer": "gold",
        "tags": "labels",
        "metadata": "info",
    }
    trace = jsonl.record_to_trace(record, mapping, source="eval", parser="tags")
    assert [s.content for s in trace.steps] == ["6 * 7 = 42", "Check: 42 / 7 = 6"]
    assert trace.final_answer == "42"
    assert trace.reference_answer == "42"
    assert trace.tags == ["eval", "run-3"]
    assert trace.source == "eval"
    assert trace.metadata == {
        "model": "gemma-3-1b",
        "response": record["out"]["text"],  # type: ignore[index]
        "response_format": "tags",
    }


def test_other_parsers_and_explicit_fields_win_over_parsed_ones() -> None:
    record = {"q": "2+2?", "r": "2 plus 2\nmakes 4\n4", "a": "four"}
    lines = jsonl.record_to_trace(
        record, {"prompt": "q", "response": "r"}, source="s", parser="lines"
    )
    assert ([s.content for s in lines.steps], lines.final_answer) == (["2 plus 2", "makes 4"], "4")

    gsm = jsonl.record_to_trace(
        {"q": "x", "r": "First <<1+1=2>>2\n#### 2"},
        {"prompt": "q", "response": "r"},
        source="s",
        parser="gsm8k",
    )
    assert ([s.content for s in gsm.steps], gsm.final_answer) == (["First 2"], "2")

    explicit = jsonl.record_to_trace(
        record, {"prompt": "q", "response": "r", "final_answer": "a"}, source="s", parser="lines"
    )
    assert explicit.final_answer == "four"
    assert len(explicit.steps) == 2

    unanswered = jsonl.record_to_trace(
        {"q": "x", "r": "<reasoning>thinking</reasoning>"},
        {"prompt": "q", "response": "r"},
        source="s",
        parser="tags",
    )
    assert unanswered.final_answer == ""
    assert unanswered.metadata["response_format"] == "tags:missing_answer"


def test_steps_and_answers_are_read_in_their_usual_forms() -> None:
    mapping: dict[MapField, str] = {"prompt": "p", "steps": "s", "final_answer": "a"}
    as_text = jsonl.record_to_trace(
        {"p": "x", "s": "one\n\n two \n", "a": 3.5}, mapping, source="s", parser="tags"
    )
    assert [s.content for s in as_text.steps] == ["one", "two"]
    assert as_text.final_answer == "3.5"
    as_objects = jsonl.record_to_trace(
        {"p": "x", "s": [{"type": "calc", "content": "1+1"}, "2"], "a": "2"},
        mapping,
        source="s",
        parser="tags",
    )
    assert [(s.type, s.content) for s in as_objects.steps] == [("calc", "1+1"), ("reasoning", "2")]
    for record, message in [
        ({"p": 1, "s": [], "a": "2"}, "prompt must be text"),
        ({"p": "x", "s": 5, "a": "2"}, "steps must be a list"),
        ({"p": "x", "s": [5], "a": "2"}, r"steps\[0\]"),
        ({"p": "x", "s": [], "a": True}, "final_answer must be text or a number"),
        ({"p": "x", "s": []}, "no value at 'a'"),
    ]:
        with pytest.raises(ValueError, match=message):
            jsonl.record_to_trace(record, mapping, source="s", parser="tags")


def test_records_in_trace_shape_need_no_map() -> None:
    stored = {
        "id": "0190f0e0-0000-7000-8000-000000000000",
        "created_at": "2026-01-01T00:00:00Z",
        "content_hash": "ab" * 32,
        "step_count": 1,
        "source": "elsewhere",
        "prompt": "p",
        "steps": [{"type": "reasoning", "content": "s"}],
        "final_answer": "f",
        "reference_answer": "f",
        "tags": ["t"],
        "metadata": {"k": 1},
    }
    trace = jsonl.record_to_trace(stored, {}, source="mine", parser="tags")
    assert (trace.prompt, trace.final_answer, trace.source, trace.tags) == ("p", "f", "mine", ["t"])

    exported = {
        "id": "x",
        "prompts": "p",
        "trace_steps": ["s"],
        "final_answer": "f",
        "metadata": {"k": 1, "reference_answer": "f"},
    }
    again = jsonl.record_to_trace(exported, {}, source="mine", parser="tags")
    assert again.model_dump() == trace.model_copy(update={"tags": []}).model_dump()


def test_lines_that_cannot_be_read_say_why() -> None:
    convert = build_converter(ImportOptions(format="jsonl", source="s"))
    for raw, message in [
        (b"{not json", "not valid JSON"),
        (b'"a string"', "expected a JSON object"),
        (b'{"prompt": "p"}', "final_answer: Field required"),
        (b'{"prompt": " ", "final_answer": "x"}', "prompt: Value error, prompt must not be empty"),
        (b'{"prompt": "p\\u0000", "final_answer": "x"}', "prompt: text may not contain NUL"),
        (b'{"prompt": "\xff", "final_answer": "x"}', "not valid JSON"),
        (b'{"prompt": "p", "final_answer": "x", "extra": 1}', "extra: Extra inputs"),
    ]:
        with pytest.raises(ValueError, match=message):
            convert_line(raw, 0, convert)
    good = convert_line(json.dumps({"prompt": "p", "final_answer": "x"}).encode(), 0, convert)
    assert good.source == "s"


def test_options_that_do_not_fit_together_are_refused() -> None:
    with pytest.raises(ValueError, match="needs a source"):
        build_converter(ImportOptions(format="jsonl"))
    with pytest.raises(ValueError, match="applies to jsonl"):
        build_converter(ImportOptions(format="gsm8k", mapping={"prompt": "q"}))
    with pytest.raises(ValueError, match="no answer"):
        build_converter(ImportOptions(format="jsonl", source="s", mapping={"prompt": "q"}))
