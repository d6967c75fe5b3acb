"""Inputs the fuzzer found answered with a 500 by the run registry; now each is a clear 422."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

HUGE = 2**64  # beyond any 64-bit integer


async def _run(client: AsyncClient) -> str:
    response = await client.post("/api/runs", json={"base_model": "tiny", "status": "running"})
    assert response.status_code == 201, response.text
    run_id: str = response.json()["id"]
    return run_id


def _locs(response: Any) -> list[list[str]]:
    return [item["loc"] for item in response.json()["error"]["details"]]


@pytest.mark.parametrize("step", [2**31, HUGE])
async def test_metric_step_beyond_the_column_is_422(client: AsyncClient, step: int) -> None:
    run_id = await _run(client)
    metrics = [{"step": 1, "name": "loss", "value": 1}, {"step": step, "name": "loss", "value": 2}]
    response = await client.post(f"/api/runs/{run_id}/metrics", json={"metrics": metrics})
    assert response.status_code == 422, response.text
    assert _locs(response) == [["metrics", "1", "step"]]
    stored = await client.get(f"/api/runs/{run_id}/metrics")
    assert stored.json()["items"] == []  # all or nothing


async def test_largest_step_is_stored(client: AsyncClient) -> None:
    run_id = await _run(client)
    metrics = [{"step": 2**31 - 1, "name": "loss", "value": 0.5}]
    response = await client.post(f"/api/runs/{run_id}/metrics", json={"metrics": metrics})
    assert response.status_code == 201, response.text
    page = await client.get(f"/api/runs/{run_id}/metrics", params={"after_step": 2**31 - 2})
    assert [m["step"] for m in page.json()["items"]] == [2**31 - 1]


async def test_after_step_beyond_the_column_is_422(client: AsyncClient) -> None:
    run_id = await _run(client)
    response = await client.get(f"/api/runs/{run_id}/metrics", params={"after_step": HUGE})
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b'{"base_model": "m", "config": {"lr": [1, {"big": 18446744073709551616}]}}', "64 bits"),
        (b'{"base_model": "m", "artifacts": {"x": -9223372036854775809}}', "64 bits"),
        (b'{"base_model": "m", "config": {"lr": NaN}}', "finite"),
        (b'{"base_model": "m", "config": {"lr": 1e400}}', "finite"),
    ],
)
async def test_unstorable_numbers_in_a_run_are_422(
    client: AsyncClient, raw: bytes, problem: str
) -> None:
    response = await client.post(
        "/api/runs", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422, response.text
    assert problem in response.json()["error"]["details"][0]["msg"]
    assert (await client.get("/api/runs")).json()["items"] == []


async def test_unstorable_summary_is_422_and_the_run_is_unchanged(client: AsyncClient) -> None:
    run_id = await _run(client)
    response = await client.patch(
        f"/api/runs/{run_id}",
        json={"status": "succeeded", "summary": {"tokens": 10**30}},
    )
    assert response.status_code == 422
    [detail] = response.json()["error"]["details"]
    assert detail["loc"] == ["summary"]
    assert "tokens: integers must fit in 64 bits" in detail["msg"]
    run = (await client.get(f"/api/runs/{run_id}")).json()
    assert run["status"] == "running"
    assert run["summary"] == {}


async def test_64_bit_extremes_round_trip(client: AsyncClient) -> None:
    config = {"min": -(2**63), "max": 2**63 - 1, "nested": [{"x": 1.5e300}]}
    response = await client.post("/api/runs", json={"base_model": "m", "config": config})
    assert response.status_code == 201, response.text
    run = (await client.get(f"/api/runs/{response.json()['id']}")).json()
    assert run["config"] == config
