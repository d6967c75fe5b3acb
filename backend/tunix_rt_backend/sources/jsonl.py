"""Users' own JSONL records as traces: a field map (``FIELD=PATH``) or records in trace shape.

With a map, each trace field is read from a dotted path into the record (``out.text``;
``choices.0.text`` indexes a list). ``response`` is a raw model output that a response parser
(``tags``, ``numbered``, ``gsm8k``, ``lines``; see ``contracts.parsing.parse_response``) splits
into steps and a final answer; the raw text is kept in ``metadata["response"]`` and the form the
parser recognised in ``metadata["response_format"]``. Explicitly mapped ``steps`` or
``final_answer`` win over the parsed ones. Only mapped fields are read.

Without a map, a record must already be a trace: the body ``POST /api/traces`` takes, a trace as
the API returns it (server-assigned fields such as ``id`` and ``content_hash`` are ignored), or
a ``trace`` export record (``{prompts, trace_steps, final_answer, metadata}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tunix_rt_backend.contracts.parsing import ResponseParser, parse_response
from tunix_rt_backend.contracts.records import REFERENCE_ANSWER_KEY
from tunix_rt_backend.contracts.trace import RESPONSE_METADATA_KEY
from tunix_rt_backend.sources.schemas import MAP_FIELDS, MapField
from tunix_rt_backend.traces.schemas import StepIn, TraceCreate

RESPONSE_FORMAT_KEY = "response_format"
#: Fields of a stored trace that the server assigns; a re-imported trace drops them.
SERVER_FIELDS = frozenset({"id", "created_at", "content_hash", "step_count", "scores"})
_MISSING = object()


def parse_map(items: Iterable[str]) -> dict[MapField, str]:
    """``["prompt=question", "response=out.text"]`` as ``{field: path}``; ``ValueError`` naming
    the bad item."""
    mapping: dict[MapField, str] = {}
    for item in items:
        field, sep, path = item.partition("=")
        field, path = field.strip(), path.strip()
        if not sep or not path:
            raise ValueError(f"--map {item!r}: write FIELD=PATH, e.g. prompt=question")
        if field not in MAP_FIELDS:
            raise ValueError(
                f"--map {item!r}: unknown field {field!r}; expected one of {', '.join(MAP_FIELDS)}"
            )
        if field in mapping:
            raise ValueError(f"--map {item!r}: {field} is mapped twice")
        mapping[field] = path
    return mapping


def check_mapping(mapping: Mapping[MapField, str]) -> None:
    """A map must say where the prompt and the answer (or a response to parse) are."""
    if not mapping:
        return
    if "prompt" not in mapping:
        raise ValueError("the map has no prompt: add --map prompt=PATH")
    if "final_answer" not in mapping and "response" not in mapping:
        raise ValueError(
            "the map has no answer: add --map final_answer=PATH, or --map response=PATH for a "
            "raw model output to parse"
        )


def lookup(record: Any, path: str) -> Any:
    """The value at dotted ``path`` in ``record``; ``ValueError`` when there is none."""
    value = record
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part, _MISSING)
        elif isinstance(value, list) and part.isdigit():
            index = int(part)
            value = value[index] if index < len(value) else _MISSING
        else:
            value = _MISSING
        if value is _MISSING:
            raise ValueError(f"no value at {path!r}")
    return value


def _text(value: Any, field: str, *, numbers: bool = False) -> str:
    if isinstance(value, str):
        return value
    if numbers and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    kind = "text or a number" if numbers else "text"
    raise ValueError(f"{field} must be {kind}, not {type(value).__name__}")


def _steps(value: Any) -> list[StepIn]:
    if value is None:
        return []
    if isinstance(value, str):
        return [StepIn(content=line.strip()) for line in value.split("\n") if line.strip()]
    if not isinstance(value, list):
        raise ValueError(f"steps must be a list or text, not {type(value).__name__}")
    steps: list[StepIn] = []
    for position, item in enumerate(value):
        if isinstance(item, str):
            steps.append(StepIn(content=item))
        elif isinstance(item, dict):
            steps.append(StepIn.model_validate(item))
        else:
            raise ValueError(f"steps[{position}] must be text or {{type, content}}")
    return steps


def _tags(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(tag, str) for tag in value):
        return list(value)
    raise ValueError("tags must be text or a list of text")


def mapped_to_trace(
    record: Any, mapping: Mapping[MapField, str], *, source: str, parser: ResponseParser
) -> TraceCreate:
    """The trace a mapped record describes."""
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object")

    def get(field: MapField) -> Any:
        return lookup(record, mapping[field])

    metadata: dict[str, Any] = {}
    if "metadata" in mapping:
        value = get("metadata")
        if value is not None and not isinstance(value, dict):
            raise ValueError(f"metadata must be an object, not {type(value).__name__}")
        metadata = dict(value or {})
    steps: list[StepIn] = []
    final_answer = ""
    if "response" in mapping:
        response = _text(get("response"), "response")
        parsed = parse_response(response, parser)
        steps = [StepIn(content=step) for step in parsed.steps]
        final_answer = parsed.final_answer or ""
        metadata[RESPONSE_METADATA_KEY] = response
        metadata[RESPONSE_FORMAT_KEY] = parsed.format
    if "steps" in mapping:
        steps = _steps(get("steps"))
    if "final_answer" in mapping:
        final_answer = _text(get("final_answer"), "final_answer", numbers=True)
    reference = get("reference_answer") if "reference_answer" in mapping else None
    return TraceCreate(
        prompt=_text(get("prompt"), "prompt"),
        steps=steps,
        final_answer=final_answer,
        reference_answer=None
        if reference is None
        else _text(reference, "reference_answer", numbers=True),
        source=source,
        tags=_tags(get("tags")) if "tags" in mapping else [],
        metadata=metadata,
    )


def trace_shaped_to_trace(record: Any, *, source: str) -> TraceCreate:
    """A record that already is a trace (see the module docstring for the shapes read)."""
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object")
    if "trace_steps" in record and "prompts" in record and "prompt" not in record:
        return _export_record_to_trace(record, source=source)
    body = {key: value for key, value in record.items() if key not in SERVER_FIELDS}
    body["source"] = source
    return TraceCreate.model_validate(body)


def _export_record_to_trace(record: dict[str, Any], *, source: str) -> TraceCreate:
    steps = record["trace_steps"]
    if not isinstance(steps, list) or not all(isinstance(step, str) for step in steps):
        raise ValueError("trace_steps must be a list of text")
    metadata = record.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise ValueError("metadata must be an object")
    metadata = dict(metadata)
    # The export copies the reference answer into metadata; it goes back to its own field.
    reference = metadata.pop(REFERENCE_ANSWER_KEY, None)
    return TraceCreate(
        prompt=_text(record["prompts"], "prompts"),
        steps=[StepIn(content=step) for step in steps],
        final_answer=_text(record.get("final_answer", ""), "final_answer", numbers=True),
        reference_answer=None if reference is None else _text(reference, "reference_answer"),
        source=source,
        metadata=metadata,
    )


def record_to_trace(
    record: Any, mapping: Mapping[MapField, str], *, source: str, parser: ResponseParser
) -> TraceCreate:
    if mapping:
        return mapped_to_trace(record, mapping, source=source, parser=parser)
    return trace_shaped_to_trace(record, source=source)
