"""A run records the run it started from, on both dialects."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import delete

from tunix_rt_backend.runs.models import Run


async def _run(client: AsyncClient, **fields: object) -> dict[str, object]:
    response = await client.post("/api/runs", json={"base_model": "tiny", **fields})
    assert response.status_code == 201, response.text
    run: dict[str, object] = response.json()
    return run


async def test_a_grpo_run_names_the_sft_run_it_started_from(client: AsyncClient) -> None:
    sft = await _run(client, kind="sft", name="sft")
    assert sft["parent_run_id"] is None
    grpo = await _run(client, kind="grpo", name="grpo", parent_run_id=sft["id"])
    assert grpo["parent_run_id"] == sft["id"]
    assert (await client.get(f"/api/runs/{grpo['id']}")).json()["parent_run_id"] == sft["id"]
    other = await _run(client, kind="grpo", name="grpo from scratch")

    children = (await client.get("/api/runs", params={"parent_run_id": str(sft["id"])})).json()
    assert [r["id"] for r in children["items"]] == [grpo["id"]]
    grpo_runs = (await client.get("/api/runs", params={"kind": "grpo"})).json()["items"]
    assert [r["id"] for r in grpo_runs] == [other["id"], grpo["id"]]
    none = await client.get("/api/runs", params={"parent_run_id": str(uuid.uuid4())})
    assert none.json()["items"] == []
    bad = await client.get("/api/runs", params={"parent_run_id": "not-a-uuid"})
    assert bad.status_code == 422


async def test_an_unknown_parent_is_refused_and_nothing_is_stored(client: AsyncClient) -> None:
    missing = uuid.uuid4()
    response = await client.post(
        "/api/runs", json={"base_model": "tiny", "kind": "grpo", "parent_run_id": str(missing)}
    )
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert str(missing) in error["message"]
    assert error["details"][0]["loc"] == ["body", "parent_run_id"]
    assert (await client.get("/api/runs")).json()["items"] == []


async def test_deleting_the_parent_keeps_the_child_and_clears_its_link(
    client: AsyncClient, app: FastAPI
) -> None:
    parent = await _run(client, name="parent")
    child = await _run(client, kind="grpo", parent_run_id=parent["id"])
    async with app.state.sessionmaker() as session:
        await session.execute(delete(Run).where(Run.id == uuid.UUID(str(parent["id"]))))
        await session.commit()
    kept = await client.get(f"/api/runs/{child['id']}")
    assert kept.status_code == 200
    assert kept.json()["parent_run_id"] is None
