"""Inputs the fuzzer found answered with a 500 by traces; now each is a clear 4xx."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from tests.conftest import make_trace


async def _count(client: AsyncClient) -> int:
    count: int = (await client.get("/api/traces/count")).json()["count"]
    return count


@pytest.mark.parametrize(
    ("metadata", "problem"),
    [
        ('{"n": 123456789012345678901234567890}', "n: integers must fit in 64 bits"),
        ('{"a": {"b": [0, NaN]}}', "a.b.1: numbers must be finite"),
        ('{"x": Infinity}', "x: numbers must be finite"),
        ('{"x": -1e999}', "x: numbers must be finite"),
    ],
)
async def test_unstorable_metadata_is_422(client: AsyncClient, metadata: str, problem: str) -> None:
    raw = f'{{"prompt": "p", "final_answer": "a", "metadata": {metadata}}}'.encode()
    headers = {"content-type": "application/json"}
    response = await client.post("/api/traces", content=raw, headers=headers)
    assert response.status_code == 422, response.text
    [detail] = response.json()["error"]["details"]
    assert detail["loc"] == ["metadata"]
    assert problem in detail["msg"]
    batch = b'{"traces": [{"prompt": "ok", "final_answer": "1"}, ' + raw + b"]}"
    response = await client.post("/api/traces/batch", content=batch, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"][0]["loc"][:3] == ["traces", "1", "metadata"]
    assert await _count(client) == 0


@pytest.mark.parametrize("path", ["/api/traces", "/api/traces/count"])
async def test_integer_filter_beyond_64_bits_matches_nothing(
    client: AsyncClient, path: str
) -> None:
    await client.post("/api/traces", json=make_trace(0, metadata={"n": 1}))
    response = await client.get(path, params={"metadata.n": "123456789012345678901234567890"})
    assert response.status_code == 200, response.text
    assert response.json() in ({"items": [], "next_cursor": None}, {"count": 0})


async def test_integer_filter_is_exact_above_2_to_the_53(client: AsyncClient) -> None:
    # Parsed via float before, 2**53 + 1 also matched 2**53.
    ids = {}
    for i, n in enumerate([2**53, 2**53 + 1, 2**63 - 1]):
        response = await client.post("/api/traces", json=make_trace(i, metadata={"n": n}))
        assert response.status_code == 201, response.text
        ids[n] = response.json()["id"]
    for n in (2**53 + 1, 2**63 - 1):
        found = (await client.get("/api/traces", params={"metadata.n": str(n)})).json()["items"]
        assert [trace["id"] for trace in found] == [ids[n]]


async def test_body_filter_beyond_64_bits_is_422(client: AsyncClient) -> None:
    body = {
        "dataset_name": "d",
        "dataset_version": "v1",
        "limit": 5,
        "filters": {"metadata": {"n": 2**70}},
    }
    response = await client.post("/api/datasets/preview", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["details"][0]["loc"] == ["filters", "metadata"]
