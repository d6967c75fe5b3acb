"""Data that ships with tunix-rt: GSM8K's train (7,473 rows) and test (1,319 rows) splits.

GSM8K is © 2021 OpenAI under the MIT licence (``gsm8k/LICENSE``), copied unchanged from
github.com/openai/grade-school-math. ``tunix-rt import gsm8k`` reads these files when no path
is given; the test suites and benchmarks use them too.
"""

from __future__ import annotations

from pathlib import Path

GSM8K_DIR = Path(__file__).resolve().parent / "gsm8k"
GSM8K_SPLITS = ("train", "test")


def gsm8k_file(split: str = "train") -> Path:
    """The bundled GSM8K split (``train`` or ``test``) as a JSONL file."""
    if split not in GSM8K_SPLITS:
        raise ValueError(f"GSM8K ships as {' and '.join(GSM8K_SPLITS)}, not {split!r}")
    return GSM8K_DIR / f"{split}.jsonl"
