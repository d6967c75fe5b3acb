"""Dataset keys become folder names: nothing a client sends can reach outside the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from httpx import AsyncClient

from tunix_rt_backend.datasets import store
from tunix_rt_backend.errors import Invalid


@pytest.mark.parametrize("key", ["", ".", "..", ".hidden", "../x", "a/../../x", "/etc", "a/b"])
def test_unsafe_keys_are_refused_by_the_store(tmp_path: Path, key: str) -> None:
    with pytest.raises(Invalid):
        store.dataset_dir(tmp_path, key)


def test_a_safe_key_is_a_folder_directly_in_the_store(tmp_path: Path) -> None:
    assert store.dataset_dir(tmp_path, "gsm8k-v1") == tmp_path.resolve() / "gsm8k-v1"


@pytest.mark.parametrize(
    "path",
    [
        "/api/datasets/..%2F..%2Fetc%2Fpasswd/manifest.json",
        "/api/datasets/%2Fetc%2Fpasswd/manifest.json",
        "/api/datasets/.../manifest.json",
        "/api/datasets/..%5C..%5Cx/export.jsonl",
    ],
)
async def test_reading_with_a_traversal_key_finds_nothing(client: AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/json"
