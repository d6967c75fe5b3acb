"""Keys that say when two traces ask the same question, or give the same answer to it.

A dataset split keeps every trace of one prompt on the same side, and dedup keeps one trace of
each prompt + answer, so "the same prompt" is part of what a dataset request selects, forever:
prompts are compared after collapsing whitespace runs and case-folding. Each trace stores its
:func:`prompt_key` (computed once when it is stored; see ``Trace.prompt_key``), so a build
groups traces by 16 bytes instead of normalising their text again. A seeded ``random`` build
ranks traces by :func:`random_rank`.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Final

from tunix_rt_backend.contracts.numbers import normalize_number, normalize_text_answer

KEY_BYTES: Final = 16


def normal_prompt(prompt: str) -> str:
    """The prompt as compared: whitespace runs collapsed to one space, case-folded."""
    return " ".join(prompt.split()).casefold()


def prompt_key(prompt: str) -> bytes:
    """BLAKE2b (16 bytes) of :func:`normal_prompt`: equal exactly when the normalised prompts
    are (short of a 128-bit collision)."""
    return hashlib.blake2b(normal_prompt(prompt).encode(), digest_size=KEY_BYTES).digest()


def answer_key(answer: str) -> str:
    """A final answer as compared: its number (``#18`` for ``"$18.00"``) or its normalised text."""
    number = normalize_number(answer)
    return f"#{number}" if number is not None else normalize_text_answer(answer)


def dedup_key(prompt_key_: bytes, answer: str) -> bytes:
    """The key dedup compares: the prompt's key and the answer's, together."""
    joined = prompt_key_ + b"\x1f" + answer_key(answer).encode()
    return hashlib.blake2b(joined, digest_size=KEY_BYTES).digest()


def random_rank(seed: int, trace_id: uuid.UUID) -> str:
    """Where a trace falls in a ``random`` selection with ``seed``: the MD5 (hex) of
    ``"{seed}:{id}"``, the id in its canonical text. A ``random`` build keeps the matching traces
    of lowest rank (ties, never seen, by id), in rank order.

    The rank depends on nothing but the seed and the trace, so the same request chooses the
    same traces in every version, and traces stored later only ever displace the chosen ones
    they outrank: the rest of the choice stays. PostgreSQL computes the same text in SQL
    (``datasets.repository.selection``), SQLite calls this function."""
    return hashlib.md5(f"{seed}:{trace_id}".encode(), usedforsecurity=False).hexdigest()
