"""Seeds the fuzzer found answered with a 500 by dataset builds; now each is a clear 422."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from tests.conftest import make_trace


@pytest.mark.parametrize(
    "extra",
    [
        {"seed": 2**31, "selection_strategy": "random"},  # the index's seed column is 32-bit
        {"split": {"eval_fraction": 0.5, "seed": -1}},  # hashed as unsigned bytes
        {"split": {"eval_fraction": 0.5, "seed": 2**64}},
    ],
)
async def test_out_of_range_seeds_are_422_and_build_nothing(
    client: AsyncClient, extra: dict[str, Any]
) -> None:
    await client.post("/api/traces/batch", json={"traces": [make_trace(i) for i in range(4)]})
    body = {"dataset_name": "seeds", "dataset_version": "v1", "limit": 4, **extra}
    response = await client.post("/api/datasets/build", json=body)
    assert response.status_code == 422, response.text
    assert (await client.get("/api/datasets")).json()["items"] == []


async def test_largest_seeds_build(client: AsyncClient) -> None:
    await client.post("/api/traces/batch", json={"traces": [make_trace(i) for i in range(4)]})
    body = {
        "dataset_name": "seeds",
        "dataset_version": "v1",
        "limit": 4,
        "selection_strategy": "random",
        "seed": 2**31 - 1,
        "split": {"eval_fraction": 0.5, "seed": 2**63 - 1},
    }
    response = await client.post("/api/datasets/build", json=body)
    assert response.status_code == 201, response.text
    [dataset] = (await client.get("/api/datasets")).json()["items"]
    assert (dataset["seed"], dataset["split"]["seed"]) == (2**31 - 1, 2**63 - 1)
