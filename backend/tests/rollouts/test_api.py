"""GRPO rollouts stored as scored traces, browsed per step, on both dialects."""

from __future__ import annotations

import asyncio
import copy
import json
import uuid
from typing import Any

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import delete, func, select

from tunix_rt_backend.rollouts.models import Rollout, RolloutStep
from tunix_rt_backend.runs.models import Run

RIGHT = "<reasoning>20 + 18 = 38</reasoning><answer>38</answer>"
WRONG = "<reasoning>20 + 18 = 39</reasoning><answer>39</answer>"
UNTAGGED = "20 + 18 is 38, so the answer is 38."


async def grpo_run(client: AsyncClient) -> str:
    response = await client.post(
        "/api/runs", json={"kind": "grpo", "base_model": "tiny", "status": "running"}
    )
    assert response.status_code == 201, response.text
    run_id: str = response.json()["id"]
    return run_id


def completion(index: int, response: str, advantage: float, reward: float) -> dict[str, Any]:
    return {
        "index": index,
        "response": response,
        "advantage": advantage,
        "reward": reward,
        "rewards": {"answer_match": float(reward >= 2), "format_exact": 1.0},
    }


def step_body(step: int = 10) -> dict[str, Any]:
    return {
        "step": step,
        "scorers": ["answer_match", "format_exact"],
        "weights": {"answer_match": 2.0, "format_exact": 1.0},
        "groups": [
            {
                "group": 0,
                "item_id": "gsm8k-train-7",
                "prompt": "Tom has 20 apples and buys 18 more. How many?",
                "reference_answer": "38",
                "completions": [
                    completion(0, RIGHT, 0.71, 3.0),
                    completion(1, WRONG, -0.71, 1.0),
                ],
            },
            {
                "group": 1,
                "item_id": "gsm8k-train-9",
                "prompt": "What is 19 + 19?",
                "reference_answer": "38",
                "completions": [
                    completion(1, UNTAGGED, -0.5, 0.0),
                    completion(0, RIGHT, 0.5, 3.0),
                ],
            },
        ],
    }


async def trace_count(client: AsyncClient, **filters: str) -> int:
    response = await client.get("/api/traces/count", params=filters)
    assert response.status_code == 200, response.text
    count: int = response.json()["count"]
    return count


async def test_a_step_is_stored_as_scored_rollout_traces(client: AsyncClient) -> None:
    run_id = await grpo_run(client)
    response = await client.post(f"/api/runs/{run_id}/rollouts", json=step_body())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["step"] == 10
    assert body["stored"] == 4
    assert body["created"] is True
    assert len(set(body["trace_ids"])) == 4

    # trace_ids are by group, then completion index: group 1's index 0 is the right answer.
    trace = (await client.get(f"/api/traces/{body['trace_ids'][2]}")).json()
    assert trace["source"] == "rollout"
    assert trace["tags"] == ["rollout"]
    assert trace["run_id"] == run_id
    assert trace["prompt"] == "What is 19 + 19?"
    assert trace["final_answer"] == "38"
    assert trace["steps"] == [{"type": "reasoning", "content": "20 + 18 = 38"}]
    assert trace["metadata"] == {
        "step": 10,
        "group": 1,
        "completion_index": 0,
        "item_id": "gsm8k-train-9",
        "advantage": 0.5,
        "reward": 3.0,
        "trainer_rewards": {"answer_match": 1.0, "format_exact": 1.0},
        "response": RIGHT,
        "response_format": "tags",
    }
    assert {s["name"]: s["value"] for s in trace["scores"]} == {
        "answer_match": 1.0,
        "format_exact": 1.0,
    }
    untagged = (await client.get(f"/api/traces/{body['trace_ids'][3]}")).json()
    assert {s["name"]: s["value"] for s in untagged["scores"]} == {
        "answer_match": 1.0,
        "format_exact": 0.0,
    }

    # Rollouts are traces like any other: filtered by source, metadata and run.
    assert await trace_count(client, source="rollout", **{"metadata.step": "10"}) == 4
    assert await trace_count(client, source="rollout", **{"metadata.step": "11"}) == 0
    assert await trace_count(client, run_id=run_id, **{"metadata.group": "0"}) == 2
    assert await trace_count(client, source="rollout", **{"min_score.answer_match": "1"}) == 3


async def test_steps_list_and_one_step_read_back(client: AsyncClient) -> None:
    run_id = await grpo_run(client)
    url = f"/api/runs/{run_id}/rollouts"
    later = step_body(20)
    later["groups"] = later["groups"][:1]
    later["groups"][0]["completions"][1]["response"] = RIGHT
    for body in (later, step_body(10)):
        assert (await client.post(url, json=body)).status_code == 201

    steps = (await client.get(url)).json()["steps"]
    assert steps == [
        {
            "step": 10,
            "groups": 2,
            "completions": 4,
            "reward_mean": 1.75,
            "scores": {"answer_match": 0.75, "format_exact": 0.75},
        },
        {
            "step": 20,
            "groups": 1,
            "completions": 2,
            "reward_mean": 2.0,
            "scores": {"answer_match": 1.0, "format_exact": 1.0},
        },
    ]

    step = (await client.get(f"{url}/10")).json()
    assert step["step"] == 10
    assert step["scorers"] == ["answer_match", "format_exact"]
    assert step["weights"] == {"answer_match": 2.0, "format_exact": 1.0}
    assert [(g["group"], g["item_id"], g["reference_answer"]) for g in step["groups"]] == [
        (0, "gsm8k-train-7", "38"),
        (1, "gsm8k-train-9", "38"),
    ]
    assert step["groups"][0]["prompt"] == "Tom has 20 apples and buys 18 more. How many?"
    first, second = step["groups"][0]["completions"]
    assert (first["index"], first["response"], first["final_answer"]) == (0, RIGHT, "38")
    assert (first["advantage"], first["reward"]) == (0.71, 3.0)
    assert first["scores"] == {"answer_match": 1.0, "format_exact": 1.0}
    assert (second["index"], second["final_answer"], second["advantage"]) == (1, "39", -0.71)
    assert second["scores"] == {"answer_match": 0.0, "format_exact": 1.0}
    assert [c["index"] for c in step["groups"][1]["completions"]] == [0, 1]
    trace = await client.get(f"/api/traces/{first['trace_id']}")
    assert trace.json()["metadata"]["step"] == 10

    missing = await client.get(f"{url}/11")
    assert missing.status_code == 404
    assert "no rollouts at step 11" in missing.json()["error"]["message"]
    unknown_run = f"/api/runs/{uuid.uuid4()}/rollouts"
    assert (await client.get(unknown_run)).status_code == 404
    assert (await client.get(f"{unknown_run}/10")).status_code == 404
    empty = await grpo_run(client)
    assert (await client.get(f"/api/runs/{empty}/rollouts")).json() == {"steps": []}


async def test_a_retried_step_stores_nothing_twice(client: AsyncClient) -> None:
    run_id = await grpo_run(client)
    url = f"/api/runs/{run_id}/rollouts"
    first = await client.post(url, json=step_body())
    assert first.status_code == 201
    # The trainer timed out and sends the step again; a resumed run may even resample it.
    resampled = step_body()
    resampled["groups"][0]["completions"][0]["response"] = WRONG
    for body in (step_body(), resampled):
        again = await client.post(url, json=body)
        assert again.status_code == 200, again.text
        assert again.json() == {**first.json(), "created": False}
    assert await trace_count(client, source="rollout") == 4
    scores = await client.get(f"/api/traces/{first.json()['trace_ids'][0]}/scores")
    assert [s["name"] for s in scores.json()] == ["answer_match", "format_exact"]
    # Another run's step 10 is its own.
    other = await grpo_run(client)
    assert (await client.post(f"/api/runs/{other}/rollouts", json=step_body())).status_code == 201
    assert await trace_count(client, source="rollout") == 8


async def test_the_same_step_sent_twice_at_once_is_stored_once(client: AsyncClient) -> None:
    run_id = await grpo_run(client)
    url = f"/api/runs/{run_id}/rollouts"
    answers = await asyncio.gather(*(client.post(url, json=step_body()) for _ in range(2)))
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert answers[0].json()["trace_ids"] == answers[1].json()["trace_ids"]
    assert await trace_count(client, source="rollout") == 4


async def test_deleting_a_rollout_trace_or_the_run_keeps_the_steps_consistent(
    client: AsyncClient, app: FastAPI
) -> None:
    run_id = await grpo_run(client)
    url = f"/api/runs/{run_id}/rollouts"
    ids = (await client.post(url, json=step_body())).json()["trace_ids"]
    assert (await client.delete(f"/api/traces/{ids[1]}")).status_code == 204
    step = (await client.get(f"{url}/10")).json()
    assert [c["index"] for c in step["groups"][0]["completions"]] == [0]
    summary = (await client.get(url)).json()["steps"][0]
    assert (summary["completions"], summary["reward_mean"]) == (3, 2.0)
    assert summary["scores"] == {"answer_match": 1.0, "format_exact": 2 / 3}

    # Runs have no delete route; removed in the database, its rollout rows go with it.
    async with app.state.sessionmaker() as session:
        await session.execute(delete(Run).where(Run.id == uuid.UUID(run_id)))
        await session.commit()
        left = await session.scalar(select(func.count()).select_from(Rollout))
        steps_left = await session.scalar(select(func.count()).select_from(RolloutStep))
    assert (left, steps_left) == (0, 0)
    assert (await client.get(url)).status_code == 404
    assert await trace_count(client, source="rollout") == 3


def _bad_bodies() -> list[tuple[str, dict[str, Any], str]]:
    cases: list[tuple[str, dict[str, Any], str]] = []

    def case(name: str, loc: str, change: Any) -> None:
        body = copy.deepcopy(step_body())
        change(body)
        cases.append((name, body, loc))

    case("unknown scorer", "scorers", lambda b: b["scorers"].append("nope"))
    case("weight of no scorer", "", lambda b: b["weights"].update(gsm8k_reward=1.0))
    case("group twice", "groups", lambda b: b["groups"].append(copy.deepcopy(b["groups"][0])))
    case(
        "index twice",
        "groups.0.completions",
        lambda b: b["groups"][0]["completions"][1].update(index=0),
    )
    case("blank prompt", "groups.0.prompt", lambda b: b["groups"][0].update(prompt="  "))
    case("no completions", "groups.0.completions", lambda b: b["groups"][0].update(completions=[]))
    case("negative step", "step", lambda b: b.update(step=-1))
    case("unknown field", "groups.0.extra", lambda b: b["groups"][0].update(extra=1))
    case("no groups", "groups", lambda b: b.update(groups=[]))
    return cases


async def test_bad_requests_are_refused_and_change_nothing(client: AsyncClient) -> None:
    run_id = await grpo_run(client)
    url = f"/api/runs/{run_id}/rollouts"
    for name, body, loc in _bad_bodies():
        response = await client.post(url, json=body)
        assert response.status_code == 422, (name, response.text)
        error = response.json()["error"]
        assert error["code"] == "validation_error", name
        locs = [".".join(str(p) for p in d["loc"] if p != "body") for d in error["details"]]
        assert any(found.startswith(loc) for found in locs), (name, error)
    for literal in ("NaN", "Infinity", "-Infinity"):
        response = await client.post(
            url,
            content=json.dumps(step_body()).replace("0.71", literal, 1),
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code in {400, 422}, (literal, response.text)
    missing = await client.post(f"/api/runs/{uuid.uuid4()}/rollouts", json=step_body())
    assert missing.status_code == 404
    assert await trace_count(client) == 0
    assert (await client.get(url)).json() == {"steps": []}


async def test_limits_on_completions_and_trace_size(client: AsyncClient) -> None:
    run_id = await grpo_run(client)
    url = f"/api/runs/{run_id}/rollouts"
    crowded = step_body()
    crowded["groups"] = [
        {
            "group": g,
            "item_id": f"item-{g}",
            "prompt": f"What is {g} + 1?",
            "completions": [completion(i, "<answer>1</answer>", 0.0, 0.0) for i in range(64)],
        }
        for g in range(65)
    ]
    too_many = await client.post(url, json=crowded)
    assert too_many.status_code == 413
    assert "4160 completions" in too_many.json()["error"]["message"]

    huge = step_body()
    huge["groups"][1]["completions"][0]["response"] = "<answer>" + "7" * 120_000 + "</answer>"
    too_big = await client.post(url, json=huge)
    assert too_big.status_code == 413
    error = too_big.json()["error"]
    assert error["message"].startswith("Group 1, completion 1 is too large")
    assert error["details"] == {"group": 1, "completion": 1, "limit_bytes": 100_000}
    assert await trace_count(client) == 0
    assert (await client.get(url)).json() == {"steps": []}
