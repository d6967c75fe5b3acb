"""Prompts with reference answers: what GRPO samples from and what evaluation generates for.

Two export formats carry them:

- ``prompt_only``: ``{id, prompts, question, answer, metadata}``; ``prompts`` is the rendered
  Gemma user turn plus ``<start_of_turn>model\\n`` (what the model continues), ``answer`` the
  reference answer.
- ``tunix_sft``: ``{id, prompts, prompt, completion, final_answer, metadata}``; ``prompt`` is the
  same rendered turn, the reference is ``metadata.reference_answer`` (else ``final_answer``).

:class:`PromptBatches` is GRPO's data iterator: an endless, deterministic stream of batches,
each a dict of numpy arrays (``prompts`` plus the columns every reward function receives as
keyword arguments). Deterministic order is what makes resume exact: Tunix's learner resumes by
skipping as many batches as it already trained on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tunix_rt_backend.contracts import END_OF_TURN, MODEL_TURN_PREFIX, START_OF_TURN
from tunix_rt_training.data import DataError, json_objects

USER_PREFIX = f"{START_OF_TURN}user\n"
PROMPT_SUFFIX = f"{END_OF_TURN}\n{MODEL_TURN_PREFIX}"


@dataclass(frozen=True, slots=True)
class PromptRecord:
    """A prompt to complete and the answer a completion is scored against."""

    id: str
    prompt: str
    """The rendered turn the model continues (ends with ``<start_of_turn>model\\n``)."""
    reference_answer: str | None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def question(self) -> str:
        """The user's text inside the rendered turn (what a trace's ``prompt`` holds)."""
        return user_content(self.prompt)


def user_content(prompt: str) -> str:
    """The user-turn text of a rendered prompt; the prompt itself when it is not one."""
    if prompt.startswith(USER_PREFIX) and prompt.endswith(PROMPT_SUFFIX):
        return prompt[len(USER_PREFIX) : -len(PROMPT_SUFFIX)] or prompt
    return prompt


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _record(item: dict[str, Any], number: int, source: str) -> PromptRecord:
    raw_metadata = item.get("metadata")
    metadata: dict[str, Any] = dict(raw_metadata) if isinstance(raw_metadata, dict) else {}
    record_id = str(item["id"]) if item.get("id") is not None else f"line-{number}"
    if isinstance(item.get("completion"), str) and isinstance(item.get("prompt"), str):
        reference = _text(metadata.get("reference_answer")) or _text(item.get("final_answer"))
        return PromptRecord(record_id, item["prompt"], reference, metadata)
    if isinstance(item.get("prompts"), str) and "question" in item:
        return PromptRecord(record_id, item["prompts"], _text(item.get("answer")), metadata)
    raise DataError(
        f"{source} line {number}: neither a prompt_only record (prompts, question, answer) "
        "nor a tunix_sft record (prompt, completion); export with format=prompt_only"
    )


def parse_prompt_records(lines: Iterable[str | bytes], source: str = "data") -> list[PromptRecord]:
    """Records from ``prompt_only`` or ``tunix_sft`` JSONL lines; ``DataError`` naming the line
    for anything malformed."""
    records = [_record(item, number, source) for number, item in json_objects(lines, source)]
    if not records:
        raise DataError(f"{source} holds no records")
    return records


# --------------------------------------------------------------------------- batches

BatchHook = Callable[[int], None]


class PromptBatches:
    """Endless batches of ``batch_size`` records: epoch ``e`` visits the records in the order of
    a permutation seeded by ``(seed, e)``; a batch may straddle two epochs.

    Each batch is ``{"prompts", "answer", "item_id", "question"}`` as numpy string arrays (a
    missing reference answer is ``""``). ``on_batch(index)`` runs before batch ``index``
    (0-based, global across resumes) is handed out: GRPO sets the rollout seed of the step
    there, so the samples of a step do not depend on where a run was resumed."""

    def __init__(
        self,
        records: Sequence[PromptRecord],
        batch_size: int,
        seed: int,
        shuffle: bool = True,
        on_batch: BatchHook | None = None,
    ) -> None:
        if not records:
            raise DataError("no prompts to train on")
        self.records = list(records)
        self.batch_size = batch_size
        self.seed = seed
        self.shuffle = shuffle
        self.on_batch = on_batch
        self._columns = {
            "prompts": np.asarray([r.prompt for r in self.records]),
            "answer": np.asarray([r.reference_answer or "" for r in self.records]),
            "item_id": np.asarray([r.id for r in self.records]),
            "question": np.asarray([r.question for r in self.records]),
        }

    def _order(self) -> Iterator[int]:
        epoch = 0
        while True:
            if self.shuffle:
                rng = np.random.default_rng([self.seed, epoch])
                yield from (int(i) for i in rng.permutation(len(self.records)))
            else:
                yield from range(len(self.records))
            epoch += 1

    def __iter__(self) -> Iterator[dict[str, np.ndarray[Any, Any]]]:
        order = self._order()
        index = 0
        while True:
            picks = np.fromiter(
                (next(order) for _ in range(self.batch_size)),
                dtype=np.int64,
                count=self.batch_size,
            )
            if self.on_batch is not None:
                self.on_batch(index)
            index += 1
            yield {key: column[picks] for key, column in self._columns.items()}
