"""Datasets on both dialects: builds, strategies, splits without leakage, exports, bad requests."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient

from tests.conftest import make_trace
from tunix_rt_backend.datasets import repository
from tunix_rt_backend.settings import Settings


def gsm_like(i: int, *, prompt_group: int | None = None, **overrides: Any) -> dict[str, Any]:
    group = i if prompt_group is None else prompt_group
    body = make_trace(
        i,
        prompt=f"Question {group}: what is {group} + {group}?",
        steps=[{"type": "reasoning", "content": f"{group} + {group} = {2 * group}"}],
        final_answer=str(2 * group),
        reference_answer=str(2 * group),
        metadata={"index": i, "level": ["easy", "hard"][i % 2], "split": "train"},
    )
    body.update(overrides)
    return body


async def _seed(client: AsyncClient, traces: list[dict[str, Any]]) -> list[str]:
    response = await client.post("/api/traces/batch", json={"traces": traces})
    assert response.status_code == 201, response.text
    ids: list[str] = response.json()["ids"]
    return ids


async def _build(client: AsyncClient, **body: Any) -> dict[str, Any]:
    response = await client.post("/api/datasets/build", json=body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def _export(client: AsyncClient, key: str, **params: str) -> list[dict[str, Any]]:
    response = await client.get(f"/api/datasets/{key}/export.jsonl", params=params)
    assert response.status_code == 200, response.text
    return [json.loads(line) for line in response.text.splitlines()]


async def test_build_latest_records_manifest_and_index(
    client: AsyncClient, settings: Settings
) -> None:
    ids = await _seed(client, [gsm_like(i) for i in range(12)])
    result = await _build(client, dataset_name="gsm", dataset_version="v1", limit=5)
    assert result["dataset_key"] == "gsm-v1"
    assert result["trace_count"] == 5
    assert result["split_counts"] == {"train": 5, "eval": 0}
    manifest_path = Path(result["manifest_path"])
    assert manifest_path.is_relative_to(settings.datasets_dir.resolve())
    manifest = json.loads(manifest_path.read_text())  # noqa: ASYNC240  (a test's small read)
    # newest first: the batch's last traces
    assert manifest["trace_ids"] == list(reversed(ids))[:5]
    assert manifest["splits"]["train"] == manifest["trace_ids"]
    assert manifest["dataset_schema_version"] == "1"
    assert manifest["checksum"] == result["checksum"]
    assert manifest["stats"]["steps"]["mean"] == 1.0
    assert manifest["stats"]["sources"] == {"gsm8k": 5}

    listed = (await client.get("/api/datasets")).json()["items"]
    assert [d["dataset_key"] for d in listed] == ["gsm-v1"]
    one = (await client.get("/api/datasets/gsm-v1")).json()
    assert one["trace_count"] == 5
    assert "trace_ids" not in one
    full = await client.get("/api/datasets/gsm-v1/manifest.json")
    assert full.json()["trace_ids"] == manifest["trace_ids"]


async def test_same_key_is_409_and_versions_are_immutable(client: AsyncClient) -> None:
    await _seed(client, [gsm_like(i) for i in range(3)])
    await _build(client, dataset_name="gsm", dataset_version="v1", limit=3)
    again = await client.post(
        "/api/datasets/build", json={"dataset_name": "gsm", "dataset_version": "v1", "limit": 1}
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


async def test_two_builds_of_one_key_at_once_leave_one_dataset_and_nothing_else(
    client: AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both builds find the key free; the database lets one record it (the other is 409), and
    only the winner's manifest is published: the loser's staged manifest is removed."""
    await _seed(client, [gsm_like(i) for i in range(30)])
    both_checked = asyncio.Barrier(2)
    start_build = repository.start_build

    async def together(session: Any, key: str) -> bool:
        exists = await start_build(session, key)
        await asyncio.wait_for(both_checked.wait(), 30)
        return exists

    monkeypatch.setattr(repository, "start_build", together)
    body = {"dataset_name": "race", "dataset_version": "v1", "limit": 30}
    responses = await asyncio.gather(
        client.post("/api/datasets/build", json={**body, "split": {"eval_fraction": 0.2}}),
        client.post("/api/datasets/build", json=body),
    )
    assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
    winner = next(r.json() for r in responses if r.status_code == 201)
    stored = (await client.get("/api/datasets/race-v1/manifest.json")).json()
    assert stored["build_id"] == winner["build_id"]
    assert stored["checksum"] == winner["checksum"]
    assert not [p.name for p in settings.datasets_dir.iterdir() if p.name.startswith(".")]


async def test_random_is_seeded_and_reproducible(client: AsyncClient) -> None:
    await _seed(client, [gsm_like(i) for i in range(40)])
    a = await _build(
        client, dataset_name="r", dataset_version="a", limit=10, selection_strategy="random", seed=7
    )
    b = await _build(
        client, dataset_name="r", dataset_version="b", limit=10, selection_strategy="random", seed=7
    )
    c = await _build(
        client, dataset_name="r", dataset_version="c", limit=10, selection_strategy="random", seed=8
    )
    ids = {
        k: (await client.get(f"/api/datasets/{k}/manifest.json")).json()["trace_ids"]
        for k in (a["dataset_key"], b["dataset_key"], c["dataset_key"])
    }
    assert ids["r-a"] == ids["r-b"]
    assert ids["r-a"] != ids["r-c"]
    assert a["checksum"] == b["checksum"]
    missing_seed = await client.post(
        "/api/datasets/build",
        json={
            "dataset_name": "r",
            "dataset_version": "d",
            "limit": 5,
            "selection_strategy": "random",
        },
    )
    assert missing_seed.status_code == 422


async def test_stratified_keeps_proportions(client: AsyncClient) -> None:
    traces = [gsm_like(i) for i in range(30)]
    for i, trace in enumerate(traces):
        trace["metadata"]["level"] = "hard" if i < 10 else "easy"
    await _seed(client, traces)
    await _build(
        client,
        dataset_name="s",
        dataset_version="v1",
        limit=9,
        selection_strategy="stratified",
        stratify_by="level",
        seed=3,
    )
    records = await _export(client, "s-v1")
    levels = [r["metadata"]["level"] for r in records]
    assert levels.count("hard") == 3
    assert levels.count("easy") == 6


async def test_top_score_and_min_score_filters(client: AsyncClient) -> None:
    ids = await _seed(client, [gsm_like(i) for i in range(6)])
    for value, trace_id in enumerate(ids):
        await client.post(
            f"/api/traces/{trace_id}/scores",
            json={"name": "quality", "value": value, "source": "human"},
        )
    wrong = await _seed(client, [gsm_like(100, final_answer="nope")])
    await client.post("/api/scores/bulk", json={"scorer": "answer_match"})
    top = await _build(
        client,
        dataset_name="t",
        dataset_version="v1",
        limit=2,
        selection_strategy="top_score",
        score_name="quality",
    )
    manifest = (await client.get(f"/api/datasets/{top['dataset_key']}/manifest.json")).json()
    assert manifest["trace_ids"] == [ids[5], ids[4]]
    correct = await _build(
        client,
        dataset_name="t",
        dataset_version="v2",
        limit=100,
        filters={"min_scores": {"answer_match": 1}},
    )
    assert correct["trace_count"] == 6
    manifest = (await client.get("/api/datasets/t-v2/manifest.json")).json()
    assert wrong[0] not in manifest["trace_ids"]
    assert manifest["stats"]["scores"]["answer_match"] == {"mean": 1.0, "count": 6}


async def test_dedup_drops_repeated_prompt_and_answer(client: AsyncClient) -> None:
    traces = [gsm_like(i, prompt_group=i % 4) for i in range(12)]
    await _seed(client, traces)
    result = await _build(client, dataset_name="d", dataset_version="v1", limit=100, dedup=True)
    assert result["trace_count"] == 4


async def test_split_never_leaks_a_prompt_and_is_deterministic(client: AsyncClient) -> None:
    traces = [gsm_like(i, prompt_group=i % 20) for i in range(100)]
    await _seed(client, traces)
    split = {"eval_fraction": 0.2}
    one = await _build(
        client, dataset_name="sp", dataset_version="v1", limit=100, split=split, seed=1
    )
    two = await _build(
        client, dataset_name="sp", dataset_version="v2", limit=100, split=split, seed=1
    )
    assert one["split_counts"]["eval"] == 20
    assert one["split_counts"]["train"] == 80
    train = await _export(client, "sp-v1", split="train")
    held = await _export(client, "sp-v1", split="eval")
    assert len(train) == 80
    assert len(held) == 20
    assert not {r["prompts"] for r in train} & {r["prompts"] for r in held}
    assert one["checksum"] == two["checksum"]


async def test_exports_are_exact_streamed_and_stable(client: AsyncClient) -> None:
    await _seed(client, [gsm_like(i) for i in range(5)])
    result = await _build(client, dataset_name="e", dataset_version="v1", limit=5)
    first = await client.get("/api/datasets/e-v1/export.jsonl", params={"format": "tunix_sft"})
    second = await client.get("/api/datasets/e-v1/export.jsonl", params={"format": "tunix_sft"})
    assert first.content == second.content
    assert first.headers["etag"] == f'"{result["checksum"]}"'
    assert first.headers["content-type"].startswith("application/x-ndjson")
    cached = await client.get(
        "/api/datasets/e-v1/export.jsonl",
        params={"format": "tunix_sft"},
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert cached.status_code == 304
    records = [json.loads(line) for line in first.text.splitlines()]
    assert len(records) == 5
    record = records[0]
    assert set(record) == {"id", "prompts", "prompt", "completion", "final_answer", "metadata"}
    assert record["prompt"].startswith("<start_of_turn>user\n")
    assert record["prompt"].endswith("<end_of_turn>\n<start_of_turn>model\n")
    assert record["completion"].startswith("<reasoning>")
    assert record["completion"].endswith("</answer><end_of_turn>")
    assert record["prompts"] == record["prompt"] + record["completion"]
    assert record["metadata"]["reference_answer"] == record["final_answer"]

    for fmt, keys in {
        "trace": {"id", "prompts", "trace_steps", "final_answer", "metadata"},
        "chat": {"id", "messages", "metadata"},
        "prompt_only": {"id", "prompts", "question", "answer", "metadata"},
    }.items():
        assert set((await _export(client, "e-v1", format=fmt))[0]) == keys
    numbered = await _export(
        client, "e-v1", format="tunix_sft", style="numbered", system="Be brief."
    )
    assert numbered[0]["prompt"].startswith("<start_of_turn>user\nBe brief.\n\n")
    assert "Reasoning:\n1. " in numbered[0]["completion"]


async def test_trace_in_a_dataset_cannot_be_deleted(client: AsyncClient) -> None:
    ids = await _seed(client, [gsm_like(i) for i in range(2)])
    await _build(client, dataset_name="keep", dataset_version="v1", limit=1)
    kept = (await client.get("/api/datasets/keep-v1/manifest.json")).json()["trace_ids"][0]
    response = await client.delete(f"/api/traces/{kept}")
    assert response.status_code == 409
    assert response.json()["error"]["details"] == {"datasets": ["keep-v1"]}
    other = next(i for i in ids if i != kept)
    assert (await client.delete(f"/api/traces/{other}")).status_code == 204


async def test_preview_counts_matches(client: AsyncClient) -> None:
    await _seed(client, [gsm_like(i) for i in range(8)])
    body = {
        "dataset_name": "p",
        "dataset_version": "v1",
        "limit": 3,
        "filters": {"metadata": {"level": "hard"}},
    }
    preview = (await client.post("/api/datasets/preview", json=body)).json()
    assert preview == {"matched": 4, "selected": 3}
    assert (await client.get("/api/datasets")).json()["items"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"dataset_name": "../etc", "dataset_version": "v1", "limit": 1},
        {"dataset_name": "a/b", "dataset_version": "v1", "limit": 1},
        {"dataset_name": "ok", "dataset_version": "v-1", "limit": 1},
        {"dataset_name": "ok", "dataset_version": "..", "limit": 1},
        {"dataset_name": ".hidden", "dataset_version": "v1", "limit": 1},
        {"dataset_name": "ok", "dataset_version": "v1", "limit": 0},
        {"dataset_name": "ok", "dataset_version": "v1", "limit": 1_000_001},
        {"dataset_name": "ok", "dataset_version": "v1", "limit": 1, "surprise": 1},
        {"dataset_name": "ok", "dataset_version": "v1", "limit": 1, "selection_strategy": "best"},
        {"dataset_name": "ok", "dataset_version": "v1", "limit": 1, "split": {"eval_fraction": 1}},
        {
            "dataset_name": "ok",
            "dataset_version": "v1",
            "limit": 1,
            "selection_strategy": "top_score",
        },
        {"dataset_name": "ok", "dataset_version": "v1", "limit": 1, "filters": {"nope": 1}},
    ],
)
async def test_bad_build_requests_are_422_and_store_nothing(
    client: AsyncClient, body: dict[str, Any], settings: Settings
) -> None:
    before = sorted(p.name for p in settings.datasets_dir.iterdir())
    response = await client.post("/api/datasets/build", json=body)
    assert response.status_code == 422, response.text
    assert (await client.get("/api/datasets")).json()["items"] == []
    assert sorted(p.name for p in settings.datasets_dir.iterdir()) == before


async def test_unknown_dataset_and_format(client: AsyncClient) -> None:
    assert (await client.get("/api/datasets/none-v1")).status_code == 404
    assert (await client.get("/api/datasets/none-v1/export.jsonl")).status_code == 404
    assert (await client.get("/api/datasets/none-v1/manifest.json")).status_code == 404
    await _seed(client, [gsm_like(0)])
    await _build(client, dataset_name="f", dataset_version="v1", limit=1)
    bad = await client.get("/api/datasets/f-v1/export.jsonl", params={"format": "csv"})
    assert bad.status_code == 422
    bad_split = await client.get("/api/datasets/f-v1/export.jsonl", params={"split": "test"})
    assert bad_split.status_code == 422
