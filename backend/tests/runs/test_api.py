"""The run registry on both dialects."""

from __future__ import annotations

import datetime as dt
import uuid

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import update

from tunix_rt_backend.runs.models import Run


async def _run(client: AsyncClient, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "kind": "sft",
        "base_model": "tiny",
        "dataset_key": "gsm-v1",
        "config": {"training": {"max_steps": 80}},
        "seed": 0,
        "status": "running",
    }
    body.update(overrides)
    response = await client.post("/api/runs", json=body)
    assert response.status_code == 201, response.text
    run: dict[str, object] = response.json()
    return run


async def test_register_update_and_list(client: AsyncClient) -> None:
    run = await _run(client)
    assert run["status"] == "running"
    assert run["started_at"] is not None
    assert run["finished_at"] is None
    updated = await client.patch(
        f"/api/runs/{run['id']}",
        json={
            "status": "succeeded",
            "artifacts": {"checkpoint": "ckpt/80"},
            "summary": {"loss": 0.1},
        },
    )
    assert updated.status_code == 200
    body = updated.json()
    assert body["status"] == "succeeded"
    assert body["finished_at"] is not None
    assert body["artifacts"] == {"checkpoint": "ckpt/80"}
    assert body["summary"] == {"loss": 0.1}
    again = await client.patch(f"/api/runs/{run['id']}", json={"status": "running"})
    assert again.status_code == 409
    other = await _run(client, status="queued", kind="grpo")
    listed = (await client.get("/api/runs")).json()["items"]
    assert [r["id"] for r in listed] == [other["id"], run["id"]]
    assert [r["id"] for r in (await client.get("/api/runs?status=succeeded")).json()["items"]] == [
        run["id"]
    ]
    assert len((await client.get("/api/runs?kind=grpo")).json()["items"]) == 1


async def test_failed_run_can_resume(client: AsyncClient) -> None:
    run = await _run(client)
    failed = await client.patch(
        f"/api/runs/{run['id']}", json={"status": "failed", "error": "killed"}
    )
    assert failed.json()["error"] == "killed"
    resumed = (await client.patch(f"/api/runs/{run['id']}", json={"status": "running"})).json()
    assert resumed["status"] == "running"
    assert resumed["error"] is None
    assert resumed["finished_at"] is None


async def test_metrics_batches_upsert_and_read_incrementally(client: AsyncClient) -> None:
    run = await _run(client)
    url = f"/api/runs/{run['id']}/metrics"
    batch = [{"step": s, "name": "loss", "value": 5.0 / (s + 1)} for s in range(10)]
    batch += [{"step": s, "name": "learning_rate", "value": 0.01} for s in range(10)]
    assert (await client.post(url, json={"metrics": batch})).json() == {"accepted": 20}
    # A resumed run re-sends step 9: the value is replaced, not duplicated.
    await client.post(url, json={"metrics": [{"step": 9, "name": "loss", "value": 0.25}]})
    body = (await client.get(url, params={"name": "loss"})).json()
    assert [m["step"] for m in body["items"]] == list(range(10))
    assert body["items"][-1]["value"] == 0.25
    assert body["names"] == ["learning_rate", "loss"]
    newer = (await client.get(url, params={"name": "loss", "after_step": 7})).json()["items"]
    assert [m["step"] for m in newer] == [8, 9]


async def test_bad_run_requests(client: AsyncClient) -> None:
    assert (await client.post("/api/runs", json={"kind": "sft"})).status_code == 422
    assert (
        await client.post("/api/runs", json={"base_model": "x", "kind": "dpo"})
    ).status_code == 422
    run = await _run(client)
    url = f"/api/runs/{run['id']}/metrics"
    for metrics in (
        [{"step": -1, "name": "loss", "value": 1}],
        [{"step": 1, "name": "bad name!", "value": 1}],
        [{"step": 1, "name": "loss", "value": "x"}],
    ):
        assert (await client.post(url, json={"metrics": metrics})).status_code == 422
    nan = await client.post(
        url,
        content=b'{"metrics": [{"step": 1, "name": "loss", "value": NaN}]}',
        headers={"Content-Type": "application/json"},
    )
    assert nan.status_code in {400, 422}
    assert (await client.get(url)).json()["items"] == []
    missing = uuid.uuid4()
    assert (await client.get(f"/api/runs/{missing}")).status_code == 404
    assert (await client.patch(f"/api/runs/{missing}", json={})).status_code == 404
    assert (
        await client.post(f"/api/runs/{missing}/metrics", json={"metrics": []})
    ).status_code == 404
    assert (
        await client.patch(f"/api/runs/{run['id']}", json={"status": "queued"})
    ).status_code == 409


async def test_a_run_that_stops_reporting_is_shown_failed(
    client: AsyncClient, app: FastAPI
) -> None:
    run = await _run(client)
    quiet = await _run(client)
    # The process behind `run` died: its last heartbeat is long past.
    maker = app.state.sessionmaker
    async with maker() as session:
        await session.execute(
            update(Run)
            .where(Run.id == uuid.UUID(str(run["id"])))
            .values(heartbeat_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))
        )
        await session.commit()
    body = (await client.get(f"/api/runs/{run['id']}")).json()
    assert body["status"] == "failed"
    assert "stopped reporting" in body["error"]
    assert body["finished_at"] is not None
    assert (await client.get(f"/api/runs/{quiet['id']}")).json()["status"] == "running"
    # Running it again resumes: the trainer sets it running and reports on.
    resumed = await client.patch(f"/api/runs/{run['id']}", json={"status": "running"})
    assert resumed.json()["status"] == "running"
    assert resumed.json()["error"] is None
    beat = await client.patch(f"/api/runs/{run['id']}", json={})
    assert beat.json()["heartbeat_at"] >= resumed.json()["heartbeat_at"]
