"""Export records (one JSON object per JSONL line) and the in-memory SFT example.

Field names are a contract with users' notebooks and Tunix scripts; do not rename them.

- ``trace``: ``{id, prompts, trace_steps, final_answer, metadata}`` (names kept from earlier
  versions of the project: ``prompts`` is the raw prompt, ``trace_steps`` the step strings).
- ``tunix_sft``: ``{id, prompts, prompt, completion, final_answer, metadata}``; ``prompt`` is
  the rendered user turn plus ``<start_of_turn>model\\n``, ``completion`` the rendered response
  plus ``<end_of_turn>``, ``prompts == prompt + completion``.
- ``chat``: ``{id, messages: [{role: "user"|"assistant", content}], metadata}``.
- ``prompt_only``: ``{id, prompts, question, answer, metadata}`` for RL with reward functions
  (the Tunix GRPO example's shape): ``prompts`` is the rendered prompt, ``question`` the raw
  prompt, ``answer`` the reference answer (the final answer when there is none).

Every record's ``metadata`` is a shallow copy of the trace's metadata plus
``"reference_answer"`` when the trace has one and the metadata has no such key (evaluation needs
the reference). Records are plain dicts of JSON types, ready for ``json.dumps``.
"""

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Final, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from tunix_rt_backend.contracts.template import (
    ResponseStyle,
    render_completion,
    render_prompt,
    render_response,
    render_user_content,
)
from tunix_rt_backend.contracts.trace import TraceLike, step_contents

ExportFormat = Literal["trace", "tunix_sft", "chat", "prompt_only"]
EXPORT_FORMATS: Final[tuple[ExportFormat, ...]] = ("trace", "tunix_sft", "chat", "prompt_only")

REFERENCE_ANSWER_KEY: Final = "reference_answer"


def record_metadata(trace: TraceLike) -> dict[str, Any]:
    """The ``metadata`` of every export record of ``trace``."""
    metadata = dict(trace.metadata)
    if trace.reference_answer is not None and REFERENCE_ANSWER_KEY not in metadata:
        metadata[REFERENCE_ANSWER_KEY] = trace.reference_answer
    return metadata


def trace_record(trace: TraceLike) -> dict[str, Any]:
    """The ``trace`` export record."""
    return {
        "id": trace.id,
        "prompts": trace.prompt,
        "trace_steps": step_contents(trace),
        "final_answer": trace.final_answer,
        "metadata": record_metadata(trace),
    }


def tunix_sft_record(
    trace: TraceLike, style: ResponseStyle = "tags", system: str | None = None
) -> dict[str, Any]:
    """The ``tunix_sft`` export record: prompt and completion to tokenise separately (loss on
    the completion only) and ``prompts``, the whole conversation."""
    prompt = render_prompt(trace.prompt, system)
    completion = render_completion(trace.steps, trace.final_answer, style)
    return {
        "id": trace.id,
        "prompts": prompt + completion,
        "prompt": prompt,
        "completion": completion,
        "final_answer": trace.final_answer,
        "metadata": record_metadata(trace),
    }


def chat_record(
    trace: TraceLike, style: ResponseStyle = "tags", system: str | None = None
) -> dict[str, Any]:
    """The ``chat`` export record (TRL/Axolotl style); the system instruction is folded into
    the user message, as Gemma has no system role."""
    return {
        "id": trace.id,
        "messages": [
            {"role": "user", "content": render_user_content(trace.prompt, system)},
            {
                "role": "assistant",
                "content": render_response(trace.steps, trace.final_answer, style),
            },
        ],
        "metadata": record_metadata(trace),
    }


def prompt_only_record(trace: TraceLike, system: str | None = None) -> dict[str, Any]:
    """The ``prompt_only`` export record for GRPO: the reward functions get ``answer``."""
    reference = trace.reference_answer
    has_reference = reference is not None and bool(reference.strip())
    return {
        "id": trace.id,
        "prompts": render_prompt(trace.prompt, system),
        "question": trace.prompt,
        "answer": reference if has_reference else trace.final_answer,
        "metadata": record_metadata(trace),
    }


def build_record(
    format: ExportFormat,
    trace: TraceLike,
    style: ResponseStyle = "tags",
    system: str | None = None,
) -> dict[str, Any]:
    """The record of ``trace`` in export ``format`` (``style`` and ``system`` are used by the
    formats that render them); ``ValueError`` naming the formats when unknown."""
    if format == "trace":
        return trace_record(trace)
    if format == "tunix_sft":
        return tunix_sft_record(trace, style, system)
    if format == "chat":
        return chat_record(trace, style, system)
    if format == "prompt_only":
        return prompt_only_record(trace, system)
    raise ValueError(f"unknown export format {format!r}; expected one of {EXPORT_FORMATS}")


class TrainingExample(BaseModel):
    """One SFT example before the turn markers: ``prompt`` is the user-turn content (system
    instruction already folded in), ``response`` the rendered response (no ``<end_of_turn>``).

    It is the same pair as a ``chat`` record's two messages. ``template.render_tunix_sft_prompt``
    and ``render_tunix_sft_completion`` add the Gemma turn markers, giving exactly the
    ``tunix_sft`` record's ``prompt`` and ``completion``.
    """

    model_config = ConfigDict(extra="forbid")

    id: str
    prompt: str
    response: str
    metadata: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def from_trace(
        cls, trace: TraceLike, style: ResponseStyle = "tags", system: str | None = None
    ) -> Self:
        """The example of ``trace``. A trace without an id gets a stable one derived from its
        content (``"sha256:"`` + 16 hex digits)."""
        prompt = render_user_content(trace.prompt, system)
        response = render_response(trace.steps, trace.final_answer, style)
        return cls(
            id=trace.id if trace.id is not None else _content_id(prompt, response),
            prompt=prompt,
            response=response,
            metadata=record_metadata(trace),
        )

    @classmethod
    def from_chat_record(cls, record: Mapping[str, Any]) -> Self:
        """The example of a ``chat`` export record (one user and one assistant message)."""
        messages = record.get("messages")
        if (
            not isinstance(messages, list)
            or len(messages) != 2
            or [m.get("role") if isinstance(m, dict) else None for m in messages]
            != ["user", "assistant"]
        ):
            raise ValueError(
                "a chat record needs 'messages' = [{role: 'user', ...}, {role: 'assistant', ...}]"
            )
        prompt, response = str(messages[0]["content"]), str(messages[1]["content"])
        record_id = record.get("id")
        return cls(
            id=str(record_id) if record_id is not None else _content_id(prompt, response),
            prompt=prompt,
            response=response,
            metadata=dict(record.get("metadata") or {}),
        )


def _content_id(prompt: str, response: str) -> str:
    digest = hashlib.sha256(json.dumps([prompt, response]).encode("utf-8")).hexdigest()
    return f"sha256:{digest[:16]}"
