"""The trace API on both dialects: create, batch, list, get, compare, delete, idempotency."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from httpx import AsyncClient

from tests.conftest import make_trace
from tunix_rt_backend.migrate import head_revision


async def test_create_returns_stored_trace(client: AsyncClient) -> None:
    response = await client.post("/api/traces", json=make_trace())
    assert response.status_code == 201, response.text
    body = response.json()
    uuid.UUID(body["id"])
    created = dt.datetime.fromisoformat(body["created_at"])
    assert created.tzinfo is not None
    assert abs(dt.datetime.now(dt.UTC) - created) < dt.timedelta(minutes=1)
    assert body["steps"][0]["content"].startswith("In May")
    assert body["step_count"] == 2
    assert body["metadata"] == {"split": "train", "index": 0, "nested": {"level": 0}}
    assert body["trace_version"] == "1.0"

    fetched = await client.get(f"/api/traces/{body['id']}")
    assert fetched.status_code == 200
    assert fetched.json()["prompt"] == body["prompt"]
    assert fetched.json()["scores"] == []


async def test_defaults_and_unicode_survive_round_trip(client: AsyncClient) -> None:
    payload = {"prompt": "Combien font 2 + 2 ? 🤔 — ünïcödé", "final_answer": "4"}
    body = (await client.post("/api/traces", json=payload)).json()
    assert body["source"] == "manual"
    assert body["tags"] == []
    assert body["steps"] == []
    assert body["reference_answer"] is None
    got = (await client.get(f"/api/traces/{body['id']}")).json()
    assert got["prompt"] == payload["prompt"]


async def test_same_content_is_stored_once(client: AsyncClient) -> None:
    first = await client.post("/api/traces", json=make_trace(1))
    second = await client.post("/api/traces", json=make_trace(1))
    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert (await client.get("/api/traces/count")).json() == {"count": 1}


async def test_idempotency_key_replays_and_rejects_a_different_body(client: AsyncClient) -> None:
    headers = {"Idempotency-Key": "retry-123"}
    first = await client.post("/api/traces", json=make_trace(2), headers=headers)
    again = await client.post("/api/traces", json=make_trace(2), headers=headers)
    assert again.json()["id"] == first.json()["id"]
    other = await client.post("/api/traces", json=make_trace(3), headers=headers)
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "conflict"
    assert (await client.get("/api/traces/count")).json() == {"count": 1}


async def test_batch_stores_all_in_order_and_is_idempotent(client: AsyncClient) -> None:
    traces = [make_trace(i) for i in range(50)]
    response = await client.post(
        "/api/traces/batch", json={"traces": traces}, headers={"Idempotency-Key": "b-1"}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["created"] == 50
    assert body["existing"] == 0
    assert len(body["ids"]) == len(set(body["ids"])) == 50
    for index in (0, 17, 49):
        got = (await client.get(f"/api/traces/{body['ids'][index]}")).json()
        assert got["metadata"]["index"] == index

    replay = await client.post(
        "/api/traces/batch", json={"traces": traces}, headers={"Idempotency-Key": "b-1"}
    )
    assert replay.json()["ids"] == body["ids"]
    assert (await client.get("/api/traces/count")).json() == {"count": 50}


async def test_batch_with_overlap_returns_existing_ids(client: AsyncClient) -> None:
    first = (await client.post("/api/traces/batch", json={"traces": [make_trace(0)]})).json()
    mixed = [make_trace(0), make_trace(1), make_trace(1)]
    body = (await client.post("/api/traces/batch", json={"traces": mixed})).json()
    assert body["ids"][0] == first["ids"][0]
    assert body["ids"][1] == body["ids"][2]
    assert body["created"] == 1
    assert body["existing"] == 2


async def test_list_is_newest_first_and_keyset_paginated(client: AsyncClient) -> None:
    ids: list[str] = []
    for i in range(7):
        ids.append((await client.post("/api/traces", json=make_trace(i))).json()["id"])
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/api/traces", params=params)).json()
        seen.extend(item["id"] for item in page["items"])
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == list(reversed(ids))
    item = page["items"][0]
    assert "steps" not in item
    assert "metadata" not in item
    assert item["prompt_preview"].startswith("Natalia")


async def test_list_filters(client: AsyncClient) -> None:
    batch = [make_trace(i) for i in range(6)]
    batch.append(make_trace(99, source="ungar", tags=["cards"], prompt="High Card Duel"))
    await client.post("/api/traces/batch", json={"traces": batch})

    async def ids(**params: Any) -> int:
        response = await client.get("/api/traces", params=params)
        assert response.status_code == 200, response.text
        count = await client.get("/api/traces/count", params=params)
        assert count.json()["count"] == len(response.json()["items"])
        return len(response.json()["items"])

    assert await ids(source="gsm8k") == 6
    assert await ids(source="ungar") == 1
    assert await ids(tag="bucket-1") == 2
    assert await ids(tag=["bucket-1", "math"]) == 2
    assert await ids(tag=["bucket-1", "cards"]) == 0
    assert await ids(**{"metadata.index": "3"}) == 1
    assert await ids(**{"metadata.split": "train"}) == 7
    assert await ids(**{"metadata.nested.level": "1"}) == 4
    assert await ids(**{"metadata.split": "test"}) == 0
    assert await ids(q="high card") == 1
    assert await ids(q="%") == 0
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    past = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
    assert await ids(created_after=future) == 0
    assert await ids(created_after=past, created_before=future) == 7


async def test_list_rejects_unknown_parameters_and_bad_cursor(client: AsyncClient) -> None:
    response = await client.get("/api/traces", params={"tags": "math"})
    assert response.status_code == 422
    assert "tags" in response.json()["error"]["message"]
    response = await client.get("/api/traces", params={"cursor": "not-a-cursor"})
    assert response.status_code == 422
    response = await client.get("/api/traces", params={"metadata.a b": "x"})
    assert response.status_code == 422
    response = await client.get("/api/traces", params={"limit": 0})
    assert response.status_code == 422


async def test_compare_returns_both_with_scores(client: AsyncClient) -> None:
    a = (await client.post("/api/traces", json=make_trace(1))).json()["id"]
    b = (await client.post("/api/traces", json=make_trace(2, final_answer="7"))).json()["id"]
    await client.post(f"/api/traces/{a}/scores", json={"scorer": "answer_match"})
    await client.post(f"/api/traces/{b}/scores", json={"scorer": "answer_match"})
    response = await client.get("/api/traces/compare", params={"base": a, "other": b})
    assert response.status_code == 200
    body = response.json()
    assert body["base"]["id"] == a
    assert body["other"]["id"] == b
    assert body["base"]["scores"][0]["value"] == 1.0
    assert body["other"]["scores"][0]["value"] == 0.0
    missing = await client.get(
        "/api/traces/compare", params={"base": a, "other": str(uuid.uuid4())}
    )
    assert missing.status_code == 404


async def test_delete_cascades_to_scores(client: AsyncClient) -> None:
    trace_id = (await client.post("/api/traces", json=make_trace())).json()["id"]
    await client.post(f"/api/traces/{trace_id}/scores", json={"scorer": "baseline"})
    assert (await client.delete(f"/api/traces/{trace_id}")).status_code == 204
    assert (await client.get(f"/api/traces/{trace_id}")).status_code == 404
    assert (await client.get(f"/api/traces/{trace_id}/scores")).status_code == 404
    assert (await client.delete(f"/api/traces/{trace_id}")).status_code == 404


async def test_deleted_trace_can_be_stored_again(client: AsyncClient) -> None:
    first = await client.post("/api/traces", json=make_trace(), headers={"Idempotency-Key": "k"})
    await client.delete(f"/api/traces/{first.json()['id']}")
    again = await client.post("/api/traces", json=make_trace(), headers={"Idempotency-Key": "k"})
    assert again.status_code == 201
    assert (await client.get(f"/api/traces/{again.json()['id']}")).status_code == 200


async def test_health_reports_database(client: AsyncClient, dialect: str) -> None:
    body = (await client.get("/api/health")).json()
    assert body["status"] == "ok"
    assert body["database"] == {"status": "ok", "dialect": dialect, "revision": head_revision()}
