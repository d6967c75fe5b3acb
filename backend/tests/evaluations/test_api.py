"""Evaluations: outputs parsed, stored as eval traces, scored; before/after comparison."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

QUESTIONS = [(f"q{i}", f"What is {i} + {i}?", str(2 * i)) for i in range(10)]


def _response(answer: str, formatted: bool = True) -> str:
    if not formatted:
        return f"I think it is {answer}"
    return f"<reasoning>Add the numbers.</reasoning><answer>{answer}</answer>"


async def _evaluate(
    client: AsyncClient, name: str, answers: dict[str, str], **extra: Any
) -> dict[str, Any]:
    items = [
        {
            "item_id": item_id,
            "prompt": prompt,
            "response": answers[item_id],
            "reference_answer": ref,
        }
        for item_id, prompt, ref in QUESTIONS
    ]
    response = await client.post(
        "/api/evaluations", json={"name": name, "model": "tiny", "items": items, **extra}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_evaluation_is_parsed_scored_and_summarised(client: AsyncClient) -> None:
    answers = {item_id: _response(ref) for item_id, _, ref in QUESTIONS[:7]}
    answers.update({item_id: _response("0", formatted=False) for item_id, _, _ in QUESTIONS[7:]})
    evaluation = await _evaluate(client, "before", answers)
    assert evaluation["item_count"] == 10
    assert evaluation["summary"]["answer_match"]["mean"] == 0.7
    assert evaluation["summary"]["format_exact"]["mean"] == 0.7
    assert evaluation["summary"]["answer_match"]["count"] == 10
    low = evaluation["summary"]["answer_match"]["ci_low"]
    high = evaluation["summary"]["answer_match"]["ci_high"]
    assert low <= 0.7 <= high

    items = (await client.get(f"/api/evaluations/{evaluation['id']}/items")).json()["items"]
    assert [i["item_id"] for i in items] == [q[0] for q in QUESTIONS]
    assert items[0]["final_answer"] == "0"
    assert items[0]["scores"]["answer_match"] == 1.0
    trace = (await client.get(f"/api/traces/{items[0]['trace_id']}")).json()
    assert trace["source"] == "eval"
    assert trace["metadata"]["response"] == answers["q0"]
    assert trace["steps"][0]["content"] == "Add the numbers."
    assert {s["name"] for s in trace["scores"]} == {
        "answer_match",
        "format_exact",
        "format_approx",
        "gsm8k_reward",
    }
    listed = (await client.get("/api/evaluations")).json()["items"]
    assert [e["id"] for e in listed] == [evaluation["id"]]


async def test_items_filtered_by_a_scorer_with_the_raw_response(client: AsyncClient) -> None:
    answers = {item_id: _response(ref) for item_id, _, ref in QUESTIONS}
    answers["q3"] = _response("5")
    answers["q8"] = "no tags at all: 9 ✓ <b>"
    evaluation = await _evaluate(client, "mixed", answers)
    url = f"/api/evaluations/{evaluation['id']}/items"

    wrong = (await client.get(url, params={"scorer": "answer_match", "max_value": 0})).json()
    assert [i["item_id"] for i in wrong["items"]] == ["q3", "q8"]
    assert wrong["matched"] == 2
    assert wrong["next_offset"] is None
    assert wrong["items"][0]["response"] == answers["q3"]
    assert wrong["items"][1]["response"] == answers["q8"]

    # Pages of a filtered list: in evaluation order, each item once.
    right: dict[str, str | int] = {"scorer": "answer_match", "min_value": 1, "limit": 3}
    first = (await client.get(url, params=right)).json()
    assert first["matched"] == 8
    assert first["next_offset"] == 3
    rest = (await client.get(url, params={**right, "offset": 3, "limit": 10})).json()
    ids = [i["item_id"] for i in first["items"] + rest["items"]]
    assert ids == [q[0] for q in QUESTIONS if q[0] not in {"q3", "q8"}]
    everything = (await client.get(url)).json()
    assert everything["matched"] == 10

    for bad in (
        {"scorer": "no_such_scorer"},
        {"max_value": 0},
        {"scorer": "answer_match", "max_value": "nan"},
    ):
        response = await client.get(url, params=bad)
        assert response.status_code == 422, (bad, response.text)


async def test_compare_lists_fixed_and_broken_with_intervals(client: AsyncClient) -> None:
    run = (await client.post("/api/runs", json={"base_model": "tiny"})).json()
    before_answers = {item_id: _response("-1") for item_id, _, _ in QUESTIONS}
    before_answers["q9"] = _response("18")
    after_answers = {item_id: _response(ref) for item_id, _, ref in QUESTIONS}
    after_answers["q9"] = _response("17")
    before = await _evaluate(client, "before", before_answers)
    after = await _evaluate(client, "after", after_answers, run_id=run["id"])
    response = await client.get(
        "/api/evaluations/compare", params={"before": before["id"], "after": after["id"]}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    delta = body["scorers"]["answer_match"]
    assert delta["n"] == 10
    assert delta["before_mean"] == 0.1
    assert delta["after_mean"] == 0.9
    assert abs(delta["delta"] - 0.8) < 1e-9
    assert delta["ci_low"] <= 0.8 <= delta["ci_high"]
    assert body["fixed_count"] == 9
    assert body["broken_count"] == 1
    assert body["broken"][0]["item_id"] == "q9"
    assert body["broken"][0]["before_answer"] == "18"
    assert body["broken"][0]["after_answer"] == "17"
    assert {i["item_id"] for i in body["fixed"]} == {f"q{i}" for i in range(9)}
    by_run = (await client.get("/api/evaluations", params={"run_id": run["id"]})).json()
    assert [e["id"] for e in by_run["items"]] == [after["id"]]


async def test_bad_evaluations_store_nothing(client: AsyncClient) -> None:
    item = {"item_id": "a", "prompt": "p", "response": "r"}
    for body in (
        {"name": "x", "model": "m", "items": []},
        {"name": "x", "model": "m", "items": [item, item]},
        {"name": "x", "model": "m", "items": [item], "scorers": ["nope"]},
        {"name": "x", "model": "m", "items": [{**item, "prompt": " "}]},
        {"name": "x", "items": [item]},
    ):
        response = await client.post("/api/evaluations", json=body)
        assert response.status_code == 422, (body, response.text)
    missing_run = await client.post(
        "/api/evaluations",
        json={"name": "x", "model": "m", "items": [item], "run_id": "7" * 32},
    )
    assert missing_run.status_code == 404
    assert (await client.get("/api/evaluations")).json()["items"] == []
    assert (await client.get("/api/traces/count")).json()["count"] == 0
    unknown = await client.get(
        "/api/evaluations/compare", params={"before": "1" * 32, "after": "2" * 32}
    )
    assert unknown.status_code == 404
