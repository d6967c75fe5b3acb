"""SFT data: ``tunix_sft`` records → tokens with a loss mask → fixed-length rows → batches.

Each example is ``[BOS] + encode(prompt) + encode(completion) + [EOS]``. Prompt and completion
are encoded separately so the token boundary is the one the sampler sees at evaluation (it
encodes the prompt alone and adds BOS). The completion ends with ``<end_of_turn>``, so the model
learns to close its turn, then EOS.

The loss mask marks the tokens the model is trained to *predict*: every completion token and
the EOS, never BOS or the prompt (Tunix's loss compares ``logits[t]`` with ``tokens[t + 1]``
where ``mask[t + 1]`` is set).

Rows have ``segment_ids`` (1, 2, … per example in the row; 0 is padding) and ``positions``
(restarting at 0 for each example). The model's attention is causal *within* a segment only
(see :func:`tunix_rt_training.model.model_inputs`), so packed examples never see each other.
With packing off each row holds one example, right-padded.

Only numpy here: the data path is testable without JAX.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

IntArray = npt.NDArray[np.int32]
Batch = dict[str, IntArray]
"""``input_tokens``, ``input_mask`` (the loss mask), ``segment_ids``, ``positions``: [B, L]."""

BATCH_KEYS = ("input_tokens", "input_mask", "segment_ids", "positions")


class DataError(ValueError):
    """The training data cannot be used; the message says which record and why."""


class Encoder(Protocol):
    def encode(self, text: str) -> list[int]: ...
    def bos_id(self) -> int: ...
    def eos_id(self) -> int: ...
    def pad_id(self) -> int: ...


@dataclass(frozen=True, slots=True)
class SftRecord:
    """One ``tunix_sft`` export record, as the trainer and evaluator read it."""

    id: str
    prompt: str
    completion: str
    final_answer: str
    reference_answer: str | None
    metadata: dict[str, Any] = field(default_factory=dict)


def json_objects(
    lines: Iterable[str | bytes], source: str = "data"
) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each non-blank JSONL line; ``DataError`` naming the line
    for one that is not a JSON object."""
    for number, raw in enumerate(lines, start=1):
        line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{source} line {number}: not JSON ({exc.msg})") from None
        if not isinstance(item, dict):
            raise DataError(f"{source} line {number}: expected a JSON object")
        yield number, item


def parse_records(lines: Iterable[str | bytes], source: str = "data") -> list[SftRecord]:
    """Records from JSONL lines; ``DataError`` naming the line for anything malformed."""
    records = []
    for number, item in json_objects(lines, source):
        missing = [key for key in ("prompt", "completion") if not isinstance(item.get(key), str)]
        if missing:
            raise DataError(
                f"{source} line {number}: missing string field(s) {missing}; is this a "
                "tunix_sft export (format=tunix_sft)?"
            )
        raw_metadata = item.get("metadata")
        metadata: dict[str, Any] = raw_metadata if isinstance(raw_metadata, dict) else {}
        reference = metadata.get("reference_answer")
        final = item.get("final_answer")
        records.append(
            SftRecord(
                id=str(item.get("id") if item.get("id") is not None else f"line-{number}"),
                prompt=item["prompt"],
                completion=item["completion"],
                final_answer=final if isinstance(final, str) else "",
                reference_answer=reference if isinstance(reference, str) else None,
                metadata=dict(metadata),
            )
        )
    if not records:
        raise DataError(f"{source} holds no records")
    return records


def checksum(payload: bytes) -> str:
    """SHA-256 hex of a file's bytes (64 characters, like the server's dataset checksums)."""
    return hashlib.sha256(payload).hexdigest()


# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True, slots=True)
class Example:
    tokens: IntArray
    loss_mask: IntArray

    def __len__(self) -> int:
        return int(self.tokens.shape[0])


def tokenize(encoder: Encoder, prompt: str, completion: str) -> Example:
    """``[BOS] prompt completion [EOS]`` with the loss on the completion and EOS only."""
    prompt_ids = encoder.encode(prompt)
    completion_ids = encoder.encode(completion)
    tokens = [encoder.bos_id(), *prompt_ids, *completion_ids, encoder.eos_id()]
    mask = [0] * (1 + len(prompt_ids)) + [1] * (len(completion_ids) + 1)
    return Example(np.asarray(tokens, dtype=np.int32), np.asarray(mask, dtype=np.int32))


def tokenize_records(
    encoder: Encoder, records: Sequence[SftRecord], seq_len: int
) -> tuple[list[Example], int]:
    """Examples that fit in ``seq_len`` and how many longer ones were dropped (a truncated
    example would teach an answer without its end)."""
    examples = []
    dropped = 0
    for record in records:
        example = tokenize(encoder, record.prompt, record.completion)
        if len(example) > seq_len:
            dropped += 1
            continue
        examples.append(example)
    if dropped:
        log.warning(
            "dropped %d of %d examples longer than training.seq_len=%d tokens",
            dropped,
            len(records),
            seq_len,
        )
    if not examples:
        raise DataError(f"every example is longer than training.seq_len={seq_len} tokens; raise it")
    return examples, dropped


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True, slots=True)
class Rows:
    """Fixed-length rows: each array is [R, L]."""

    input_tokens: IntArray
    input_mask: IntArray
    segment_ids: IntArray
    positions: IntArray

    def __len__(self) -> int:
        return int(self.input_tokens.shape[0])

    @property
    def real_tokens(self) -> int:
        return int(np.count_nonzero(self.segment_ids))

    @property
    def fill(self) -> float:
        """Share of token slots holding real (not padding) tokens."""
        return self.real_tokens / max(1, self.segment_ids.size)


def _layout(groups: Sequence[Sequence[Example]], seq_len: int, pad_id: int) -> Rows:
    count = len(groups)
    tokens = np.full((count, seq_len), pad_id, dtype=np.int32)
    mask = np.zeros((count, seq_len), dtype=np.int32)
    segments = np.zeros((count, seq_len), dtype=np.int32)
    positions = np.zeros((count, seq_len), dtype=np.int32)
    for row, group in enumerate(groups):
        offset = 0
        for segment, example in enumerate(group, start=1):
            end = offset + len(example)
            tokens[row, offset:end] = example.tokens
            mask[row, offset:end] = example.loss_mask
            segments[row, offset:end] = segment
            positions[row, offset:end] = np.arange(len(example), dtype=np.int32)
            offset = end
    return Rows(tokens, mask, segments, positions)


def pack(examples: Sequence[Example], seq_len: int, pad_id: int) -> Rows:
    """First-fit decreasing: longest examples first, each into the first row with room.
    Deterministic (ties keep input order)."""
    order = sorted(range(len(examples)), key=lambda i: -len(examples[i]))
    groups: list[list[Example]] = []
    room: list[int] = []
    for index in order:
        example = examples[index]
        if len(example) > seq_len:
            raise DataError(f"example of {len(example)} tokens does not fit seq_len={seq_len}")
        for row, free in enumerate(room):
            if len(example) <= free:
                groups[row].append(example)
                room[row] -= len(example)
                break
        else:
            groups.append([example])
            room.append(seq_len - len(example))
    return _layout(groups, seq_len, pad_id)


def pad(examples: Sequence[Example], seq_len: int, pad_id: int) -> Rows:
    """One example per row, right-padded."""
    return _layout([[example] for example in examples], seq_len, pad_id)


def build_rows(examples: Sequence[Example], seq_len: int, pad_id: int, packing: bool) -> Rows:
    return pack(examples, seq_len, pad_id) if packing else pad(examples, seq_len, pad_id)


# --------------------------------------------------------------------------- batches


class BatchStream:
    """An endless, deterministic stream of batches: epoch ``e`` visits the rows in the order
    of a permutation seeded by ``(seed, e)``, and batches are consecutive runs of that row
    stream (so a batch may straddle two epochs, and every batch has the same shape).

    Deterministic order is what makes resume exact: Tunix's trainer resumes by skipping as many
    batches as it already trained on."""

    def __init__(self, rows: Rows, batch_size: int, seed: int, shuffle: bool = True) -> None:
        if len(rows) == 0:
            raise DataError("no rows to train on")
        self.rows = rows
        self.batch_size = batch_size
        self.seed = seed
        self.shuffle = shuffle

    def _row_order(self) -> Iterator[int]:
        epoch = 0
        while True:
            if self.shuffle:
                rng = np.random.default_rng([self.seed, epoch])
                yield from (int(i) for i in rng.permutation(len(self.rows)))
            else:
                yield from range(len(self.rows))
            epoch += 1

    def __iter__(self) -> Iterator[Batch]:
        order = self._row_order()
        arrays = {key: getattr(self.rows, key) for key in BATCH_KEYS}
        while True:
            picks = np.fromiter(
                (next(order) for _ in range(self.batch_size)),
                dtype=np.int64,
                count=self.batch_size,
            )
            yield {key: array[picks] for key, array in arrays.items()}

    def take(self, count: int) -> list[Batch]:
        stream = iter(self)
        return [next(stream) for _ in range(count)]


def batch_real_tokens(batch: Batch) -> int:
    return int(np.count_nonzero(batch["segment_ids"]))
