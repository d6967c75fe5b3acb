"""The GSM8K files that ship with the package are the published ones, byte for byte."""

from __future__ import annotations

import hashlib

import pytest

from tunix_rt_backend.data import GSM8K_DIR, gsm8k_file

# SHA-256 of openai/grade-school-math's grade_school_math/data/{train,test}.jsonl.
T1 = "17f347dc51477c50d4efb83959dbb7c56297aba886e5544ee2aaed3024813465"  # pragma: allowlist secret
T2 = "3730d312f6e3440559ace48831e51066acaca737f6eabec99bccb9e4b3c39d14"  # pragma: allowlist secret
PUBLISHED = {"train": (T1, 7473), "test": (T2, 1319)}


@pytest.mark.parametrize("split", sorted(PUBLISHED))
def test_the_shipped_splits_are_the_published_files(split: str) -> None:
    data = gsm8k_file(split).read_bytes()
    digest, rows = PUBLISHED[split]
    assert hashlib.sha256(data).hexdigest() == digest
    assert data.count(b"\n") == rows


def test_the_licence_ships_beside_them_and_other_splits_are_refused() -> None:
    licence = (GSM8K_DIR / "LICENSE").read_text()
    assert licence.startswith("MIT License")
    assert "Copyright (c) 2021 OpenAI" in licence
    with pytest.raises(ValueError, match="ships as train and test"):
        gsm8k_file("dev")
