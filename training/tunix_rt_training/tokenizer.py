"""Tokenizers: a local sentencepiece ``tokenizer.model``, or for preset ``tiny`` a small BPE
trained on the run's own texts and saved with the run.

Both are plain ``sentencepiece.SentencePieceProcessor`` objects, which Tunix's sampler accepts
as they are. The id layout is Gemma's (pad 0, eos 1, bos 2): the sampler adds BOS itself only
when ``bos_id()`` is truthy.

Settings for the trained BPE avoid sentencepiece defaults that damage this text: the default
normaliser and line-based training drop newlines, ``add_dummy_prefix`` puts a space in front of
the completion (so the token boundary would differ from what the sampler sees), and splitting
digits makes the model's sequences much longer. Every training text must survive
``decode(encode(text)) == text``; the build fails otherwise.

A BPE trained on few texts has fewer pieces than asked for, and the model's embedding is sized
to a multiple of :data:`VOCAB_MULTIPLE` (so it splits evenly over a mesh axis). The trained
tokenizer is padded with ``<unusedN>`` pieces up to that size, as Gemma's own tokenizers are:
every id the model can sample decodes (an untrained or sampling model would otherwise crash
the decoder with "piece id is out of range"), and no text ever encodes to them.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sentencepiece as spm
from sentencepiece import sentencepiece_model_pb2

from tunix_rt_backend.contracts import (
    ANSWER_END,
    ANSWER_START,
    END_OF_TURN,
    REASONING_END,
    REASONING_START,
    START_OF_TURN,
)

PAD_ID, EOS_ID, BOS_ID, UNK_ID = 0, 1, 2, 3
SPECIAL_SYMBOLS = (
    START_OF_TURN,
    END_OF_TURN,
    REASONING_START,
    REASONING_END,
    ANSWER_START,
    ANSWER_END,
)
TOKENIZER_FILE = "tokenizer.model"
VOCAB_MULTIPLE = 128
UNUSED_PIECE = "<unused{}>"


class TokenizerError(ValueError):
    """The tokenizer cannot be built or loaded as configured."""


def train_bpe(texts: Sequence[str], vocab_size: int) -> spm.SentencePieceProcessor:
    """A BPE tokenizer trained on ``texts`` (deterministic for the same texts and size)."""
    if not texts:
        raise TokenizerError("no texts to train the tokenizer on")
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts),
        model_writer=model,
        model_type="bpe",
        vocab_size=vocab_size,
        hard_vocab_limit=False,
        pad_id=PAD_ID,
        eos_id=EOS_ID,
        bos_id=BOS_ID,
        unk_id=UNK_ID,
        normalization_rule_name="identity",
        add_dummy_prefix=False,
        remove_extra_whitespaces=False,
        split_digits=False,
        byte_fallback=True,
        user_defined_symbols=[*SPECIAL_SYMBOLS, "\n"],
        max_sentence_length=1 << 20,
        num_threads=1,
        minloglevel=2,
    )
    processor = pad_vocabulary(
        spm.SentencePieceProcessor(model_proto=model.getvalue()), VOCAB_MULTIPLE
    )
    for text in texts:
        if processor.decode(processor.encode(text)) != text:
            raise TokenizerError(f"the trained tokenizer does not round-trip {text[:80]!r}")
    return processor


def pad_vocabulary(
    processor: spm.SentencePieceProcessor, multiple: int
) -> spm.SentencePieceProcessor:
    """``processor`` with ``<unusedN>`` pieces appended up to a multiple of ``multiple`` ids
    (itself when it already is one). Encoding is unchanged: no text maps to the new pieces
    unless it spells them out."""
    size = processor.vocab_size()
    target = -(-size // multiple) * multiple
    if target == size:
        return processor
    model_proto: Any = sentencepiece_model_pb2.ModelProto  # type: ignore[attr-defined]
    proto = model_proto()
    proto.ParseFromString(processor.serialized_model_proto())
    for index in range(target - size):
        piece = proto.pieces.add()
        piece.piece = UNUSED_PIECE.format(index)
        piece.score = 0.0
        piece.type = model_proto.SentencePiece.USER_DEFINED
    return spm.SentencePieceProcessor(model_proto=proto.SerializeToString())


def load(path: Path) -> spm.SentencePieceProcessor:
    """A sentencepiece model from a local file."""
    if not path.is_file():
        raise TokenizerError(f"tokenizer.path {path} is not a file (a sentencepiece .model)")
    processor = spm.SentencePieceProcessor()
    try:
        processor.LoadFromSerializedProto(path.read_bytes())
    except (RuntimeError, OSError) as exc:
        raise TokenizerError(f"cannot load tokenizer {path}: {exc}") from None
    if processor.pad_id() < 0:
        raise TokenizerError(f"tokenizer {path} has no pad id; Tunix's sampler needs one")
    return processor


def save(processor: spm.SentencePieceProcessor, path: Path) -> None:
    path.write_bytes(processor.serialized_model_proto())


def fingerprint(processor: spm.SentencePieceProcessor) -> str:
    """``sha256:`` of the serialized model: what run_manifest.json records."""
    return "sha256:" + hashlib.sha256(processor.serialized_model_proto()).hexdigest()


def end_of_turn_id(processor: spm.SentencePieceProcessor) -> int | None:
    """The id of ``<end_of_turn>`` when it is one token, else ``None``."""
    ids = processor.encode(END_OF_TURN)
    return ids[0] if len(ids) == 1 else None


def stop_ids(processor: spm.SentencePieceProcessor) -> list[int]:
    """Generation stops on EOS and on ``<end_of_turn>``."""
    ids = [processor.eos_id()]
    turn = end_of_turn_id(processor)
    if turn is not None and turn not in ids:
        ids.append(turn)
    return ids
