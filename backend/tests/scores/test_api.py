"""Scores: built-in scorers, external scores, bulk scoring, on both dialects."""

from __future__ import annotations

from httpx import AsyncClient

from tests.conftest import make_trace


async def test_scorers_are_listed(client: AsyncClient) -> None:
    scorers = (await client.get("/api/scorers")).json()
    names = {s["name"] for s in scorers}
    assert {"baseline", "format_exact", "format_approx", "answer_match", "gsm8k_reward"} <= names
    assert all(s["version"] and s["description"] for s in scorers)
    ranges = {s["name"]: (s["min_value"], s["max_value"]) for s in scorers}
    assert ranges["answer_match"] == (0.0, 1.0)
    assert all(low < high for low, high in ranges.values())


async def test_run_scorer_stores_a_measured_value(client: AsyncClient) -> None:
    right = (await client.post("/api/traces", json=make_trace(0))).json()["id"]
    wrong = (await client.post("/api/traces", json=make_trace(1, final_answer="12"))).json()["id"]
    a = await client.post(f"/api/traces/{right}/scores", json={"scorer": "answer_match"})
    b = await client.post(f"/api/traces/{wrong}/scores", json={"scorer": "answer_match"})
    assert a.status_code == b.status_code == 201
    assert a.json()["value"] == 1.0
    assert b.json()["value"] == 0.0
    assert a.json()["source"] == "auto"
    assert a.json()["version"]
    assert a.json()["details"]

    reward = await client.post(f"/api/traces/{right}/scores", json={"scorer": "gsm8k_reward"})
    assert (
        reward.json()["value"]
        > (
            await client.post(f"/api/traces/{wrong}/scores", json={"scorer": "gsm8k_reward"})
        ).json()["value"]
    )

    listed = (await client.get(f"/api/traces/{right}/scores")).json()
    assert [s["name"] for s in listed] == ["answer_match", "gsm8k_reward"]


async def test_external_scores(client: AsyncClient) -> None:
    trace_id = (await client.post("/api/traces", json=make_trace())).json()["id"]
    human = await client.post(
        f"/api/traces/{trace_id}/scores",
        json={"name": "clarity", "value": 4, "label": "clear", "source": "human"},
    )
    assert human.status_code == 201
    assert human.json()["source"] == "human"
    assert human.json()["version"] is None
    judge = await client.post(
        f"/api/traces/{trace_id}/scores",
        json={"name": "judge_correct", "value": 1, "details": {"model": "x"}, "source": "judge"},
    )
    assert judge.status_code == 201
    assert len((await client.get(f"/api/traces/{trace_id}/scores")).json()) == 2


async def test_bad_score_requests_store_nothing(client: AsyncClient) -> None:
    trace_id = (await client.post("/api/traces", json=make_trace())).json()["id"]
    for body in (
        {"scorer": "no_such_scorer"},
        {"name": "x", "value": 1, "source": "auto"},
        {"name": "x", "value": "high", "source": "human"},
        {"name": "", "value": 1, "source": "human"},
        {"scorer": "baseline", "extra": 1},
        {},
    ):
        response = await client.post(f"/api/traces/{trace_id}/scores", json=body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"]["code"] == "validation_error"
    nan = await client.post(
        f"/api/traces/{trace_id}/scores",
        content=b'{"name": "x", "value": NaN, "source": "human"}',
        headers={"Content-Type": "application/json"},
    )
    assert nan.status_code in {400, 422}
    assert (await client.get(f"/api/traces/{trace_id}/scores")).json() == []


async def test_bulk_scoring_by_filter(client: AsyncClient) -> None:
    traces = [make_trace(i) for i in range(25)]
    traces += [make_trace(i, source="other", final_answer="0") for i in range(5)]
    await client.post("/api/traces/batch", json={"traces": traces})
    body = {"scorer": "answer_match", "filter": {"source": "gsm8k"}, "batch_size": 7}
    first = await client.post("/api/scores/bulk", json=body)
    assert first.status_code == 200, first.text
    assert first.json()["matched"] == 25
    assert first.json()["scored"] == 25
    assert first.json()["mean"] == 1.0
    again = (await client.post("/api/scores/bulk", json=body)).json()
    assert again["scored"] == 0
    assert again["skipped"] == 25
    tagged = await client.post(
        "/api/scores/bulk",
        json={
            "scorer": "baseline",
            "filter": {"tags": ["bucket-0"], "metadata": {"split": "train"}},
        },
    )
    assert tagged.json()["scored"] == 11
    bad = await client.post("/api/scores/bulk", json={"scorer": "x", "filter": {"nope": 1}})
    assert bad.status_code == 422
