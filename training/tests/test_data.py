"""Data: records, the tokenizer built for `tiny`, loss masks, packing rows, the batch stream."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sentencepiece import SentencePieceProcessor

from tunix_rt_backend.contracts import END_OF_TURN
from tunix_rt_training import data as data_lib
from tunix_rt_training import tokenizer as tokenizer_lib
from tunix_rt_training.data import DataError, parse_records


@pytest.fixture(scope="module")
def records() -> list[data_lib.SftRecord]:
    path = Path(__file__).resolve().parents[1] / "data" / "gsm8k_16.tunix_sft.jsonl"
    return parse_records(path.read_bytes().splitlines(), str(path))


@pytest.fixture(scope="module")
def sp(records: list[data_lib.SftRecord]) -> SentencePieceProcessor:
    return tokenizer_lib.train_bpe([r.prompt + r.completion for r in records], 1000)


def test_records_carry_prompt_completion_and_reference(records: list[data_lib.SftRecord]) -> None:
    assert len(records) == 16
    first = records[0]
    assert first.id == "gsm8k-train-0"
    assert first.prompt.startswith("<start_of_turn>user\n")
    assert first.prompt.endswith("<start_of_turn>model\n")
    assert first.completion.endswith(END_OF_TURN)
    assert first.reference_answer == "72"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([b"{not json"], "line 1: not JSON"),
        ([b"[1, 2]"], "line 1: expected a JSON object"),
        ([b'{"prompts": "x"}'], r"missing string field\(s\) \['prompt', 'completion'\]"),
        ([b"", b"  "], "holds no records"),
    ],
)
def test_malformed_records_name_the_line(lines: list[bytes], message: str) -> None:
    with pytest.raises(DataError, match=message):
        parse_records(lines, "export.jsonl")


def test_tokenizer_keeps_gemma_ids_and_round_trips_text(
    sp: SentencePieceProcessor, records: list[data_lib.SftRecord]
) -> None:
    assert (sp.pad_id(), sp.eos_id(), sp.bos_id()) == (0, 1, 2)
    text = "<start_of_turn>user\nLine one\n\n  two spaces<end_of_turn>\n"
    assert sp.decode(sp.encode(text)) == text
    for symbol in tokenizer_lib.SPECIAL_SYMBOLS:
        assert len(sp.encode(symbol)) == 1, symbol
    # No dummy prefix: the completion's first token is <reasoning> itself, not "▁<reasoning>".
    assert sp.encode(records[0].completion)[0] == sp.piece_to_id("<reasoning>")
    assert tokenizer_lib.stop_ids(sp) == [1, sp.piece_to_id(END_OF_TURN)]


def test_tokenizer_training_is_deterministic(records: list[data_lib.SftRecord]) -> None:
    texts = [r.prompt + r.completion for r in records]
    first = tokenizer_lib.train_bpe(texts, 600)
    second = tokenizer_lib.train_bpe(texts, 600)
    assert tokenizer_lib.fingerprint(first) == tokenizer_lib.fingerprint(second)


def test_tokenize_prepends_bos_appends_eos_and_masks_the_prompt(
    sp: SentencePieceProcessor, records: list[data_lib.SftRecord]
) -> None:
    record = records[0]
    example = data_lib.tokenize(sp, record.prompt, record.completion)
    prompt_ids, completion_ids = sp.encode(record.prompt), sp.encode(record.completion)
    assert example.tokens.tolist() == [2, *prompt_ids, *completion_ids, 1]
    assert example.loss_mask.tolist() == [0] * (1 + len(prompt_ids)) + [1] * (
        len(completion_ids) + 1
    )
    # The last trained tokens are <end_of_turn> then EOS.
    assert example.tokens[-2] == sp.piece_to_id(END_OF_TURN)
    # The mask covers exactly the completion's text.
    trained = [int(t) for t, m in zip(example.tokens, example.loss_mask, strict=True) if m]
    assert sp.decode(trained[:-1]) == record.completion


def _examples(lengths: list[int]) -> list[data_lib.Example]:
    out = []
    for n, length in enumerate(lengths):
        tokens = np.full(length, 10 + n, dtype=np.int32)
        mask = np.r_[np.zeros(length // 2), np.ones(length - length // 2)].astype(np.int32)
        out.append(data_lib.Example(tokens, mask))
    return out


def test_packing_places_every_example_once_with_restarting_positions() -> None:
    examples = _examples([7, 5, 4, 3, 3, 2])
    rows = data_lib.pack(examples, seq_len=10, pad_id=0)
    assert rows.input_tokens.shape == (len(rows), 10)
    assert rows.real_tokens == sum(len(e) for e in examples)
    seen = []
    for row in range(len(rows)):
        segments = rows.segment_ids[row]
        for segment in sorted(set(segments.tolist()) - {0}):
            where = np.flatnonzero(segments == segment)
            assert where.tolist() == list(range(where[0], where[-1] + 1)), "contiguous"
            assert rows.positions[row, where].tolist() == list(range(len(where)))
            tokens = rows.input_tokens[row, where]
            assert len(set(tokens.tolist())) == 1
            seen.append(int(tokens[0]))
            original = examples[int(tokens[0]) - 10]
            assert rows.input_mask[row, where].tolist() == original.loss_mask.tolist()
        padding = segments == 0
        assert not rows.input_mask[row, padding].any()
        assert (rows.input_tokens[row, padding] == 0).all()
    assert sorted(seen) == list(range(10, 10 + len(examples)))
    assert len(rows) == 3  # 24 tokens in rows of 10: first-fit decreasing needs 3


def test_padding_mode_keeps_one_example_per_row() -> None:
    examples = _examples([7, 5, 4])
    rows = data_lib.pad(examples, seq_len=10, pad_id=0)
    assert len(rows) == 3
    assert rows.segment_ids.max() == 1
    assert rows.fill == pytest.approx(16 / 30)


def test_packing_fills_gsm8k_rows_far_better_than_padding(
    sp: SentencePieceProcessor, records: list[data_lib.SftRecord]
) -> None:
    examples, dropped = data_lib.tokenize_records(sp, records, seq_len=512)
    assert dropped == 0
    packed = data_lib.pack(examples, 512, sp.pad_id())
    padded = data_lib.pad(examples, 512, sp.pad_id())
    assert packed.real_tokens == padded.real_tokens
    assert packed.fill > 0.85 > 0.5 > padded.fill


def test_examples_longer_than_a_row_are_dropped_not_truncated(
    sp: SentencePieceProcessor, records: list[data_lib.SftRecord]
) -> None:
    lengths = [len(data_lib.tokenize(sp, r.prompt, r.completion)) for r in records]
    limit = sorted(lengths)[-3]
    examples, dropped = data_lib.tokenize_records(sp, records, seq_len=limit)
    assert dropped == sum(1 for n in lengths if n > limit)
    assert all(len(e) <= limit for e in examples)
    with pytest.raises(DataError, match="every example is longer"):
        data_lib.tokenize_records(sp, records, seq_len=min(lengths) - 1)


def test_batch_stream_is_deterministic_and_covers_each_epoch() -> None:
    rows = data_lib.pad(_examples([3, 4, 5, 6, 7]), seq_len=8, pad_id=0)
    stream = data_lib.BatchStream(rows, batch_size=2, seed=3)
    first = stream.take(10)
    again = data_lib.BatchStream(rows, batch_size=2, seed=3).take(10)
    for a, b in zip(first, again, strict=True):
        for key in data_lib.BATCH_KEYS:
            assert (a[key] == b[key]).all()
            assert a[key].shape == (2, 8)
    ids = [int(t) for batch in first for t in batch["input_tokens"][:, 0]]
    assert sorted(ids[:5]) == [10, 11, 12, 13, 14]  # each epoch visits every row once
    assert sorted(ids[5:10]) == [10, 11, 12, 13, 14]
    other = data_lib.BatchStream(rows, batch_size=2, seed=4).take(10)
    assert ids != [int(t) for batch in other for t in batch["input_tokens"][:, 0]]
