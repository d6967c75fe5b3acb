"""Members stored in the dataset's row: statistics, deletion protection, builds racing deletes."""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select

from tests.datasets.test_api import _build, _seed, gsm_like
from tunix_rt_backend.contracts.keys import prompt_key
from tunix_rt_backend.datasets import repository, service
from tunix_rt_backend.datasets.models import Dataset
from tunix_rt_backend.db import utcnow
from tunix_rt_backend.traces.filters import TraceFilter


@pytest.mark.parametrize("strategy", ["latest", "random", "stratified", "top_score"])
async def test_stats_describe_the_chosen_traces(client: AsyncClient, strategy: str) -> None:
    """Each strategy reads the statistics' columns another way; all give the same figures."""
    bodies = [
        gsm_like(
            i,
            prompt="Why? " * (i + 1),
            steps=[{"type": "reasoning", "content": "s"}] * (1 + i % 3),
            final_answer="7" * (1 + i % 4),
            source=["gsm8k", "manual"][i % 2],
        )
        for i in range(9)
    ]
    ids = await _seed(client, bodies)
    for i, trace_id in enumerate(ids):
        for name, value in (("answer_match", float(i % 2)), ("format", 0.5)):
            response = await client.post(
                f"/api/traces/{trace_id}/scores",
                json={"name": name, "value": value, "source": "human"},
            )
            assert response.status_code == 201, response.text
    request: dict[str, Any] = {"selection_strategy": strategy, "limit": 6, "seed": 3}
    if strategy == "stratified":
        request["stratify_by"] = "level"
    if strategy == "top_score":
        request["score_name"] = "answer_match"
    await _build(
        client, dataset_name="s", dataset_version="v1", split={"eval_fraction": 0.3}, **request
    )
    manifest = (await client.get("/api/datasets/s-v1/manifest.json")).json()
    chosen = [bodies[ids.index(trace_id)] for trace_id in manifest["trace_ids"]]
    n = len(chosen)
    steps = [len(body["steps"]) for body in chosen]
    prompts = [len(body["prompt"]) for body in chosen]
    matches = [float(ids.index(t) % 2) for t in manifest["trace_ids"]]
    assert manifest["stats"] == {
        "trace_count": n,
        "sources": {
            source: sum(body["source"] == source for body in chosen)
            for source in sorted({body["source"] for body in chosen})
        },
        "steps": {"min": min(steps), "max": max(steps), "mean": round(sum(steps) / n, 4)},
        "prompt_chars": {"mean": round(sum(prompts) / n, 4), "max": max(prompts)},
        "final_answer_chars": {
            "mean": round(sum(len(body["final_answer"]) for body in chosen) / n, 4)
        },
        "scores": {
            "answer_match": {"mean": round(sum(matches) / n, 4), "count": n},
            "format": {"mean": 0.5, "count": n},
        },
        "split_counts": manifest["split_counts"],
    }


@pytest.mark.parametrize("order", ["latest", "top_score", "random"])
async def test_the_database_describes_a_selection_as_its_rows_do(
    client: AsyncClient, app: FastAPI, dialect: str, order: str
) -> None:
    """PostgreSQL describes latest, top_score and random selections in one aggregate row, in
    the order of the selection; the same members as built from the selection's rows, value for
    value."""
    if dialect != "postgresql":
        pytest.skip("aggregates_in_sql is PostgreSQL's")
    bodies = [
        gsm_like(i, prompt=f"Q{i % 4}  é?", final_answer="ü" * (1 + i % 3), source=f"s{i % 3}")
        for i in range(40)
    ]
    ids = await _seed(client, bodies)
    for i, trace_id in enumerate(ids):
        response = await client.post(
            f"/api/traces/{trace_id}/scores",
            json={"name": "answer_match", "value": (i * 7) % 11, "source": "human"},
        )
        assert response.status_code == 201, response.text
    flt = TraceFilter.model_validate({"metadata": {"level": "easy"}})
    async with app.state.sessionmaker() as session, session.begin():
        described = await repository.aggregate_members(
            session,
            flt,
            order=order,
            limit=15,
            score_name="answer_match",
            prompt_keys=True,
            seed=5,
        )
        rows: list[Any] = []
        stmt = repository.selection(
            session,
            flt,
            order=order,
            limit=15,
            columns=repository.MEMBER_COLUMNS,
            score_name="answer_match",
            seed=5,
        )
        stream = repository.stream_candidates(session, stmt)
        async for batch in stream:
            rows.extend(batch)
        from_rows = repository.members_from_rows(rows)
        means = await repository.score_means(session, from_rows)
    assert described.count == 15
    assert means["answer_match"]["count"] == 15
    assert await repository.score_means(session, described) == means
    assert described.score_sums is not None
    from_rows.score_sums = described.score_sums
    assert described == from_rows
    keys = [prompt_key(bodies[ids.index(str(row[0]))]["prompt"]) for row in rows]
    assert described.prompt_keys == b"".join(keys)


def test_quoted_ids_are_the_canonical_texts() -> None:
    ids = [uuid.uuid4() for _ in range(50)] + [uuid.UUID(int=0), uuid.UUID(int=2**128 - 1)]
    quoted = repository.quoted_ids(b"".join(i.bytes for i in ids))
    assert bytes(quoted) == "".join(f'"{i}",' for i in ids).encode()
    assert repository.quoted_ids(b"") == bytearray()


async def test_empty_dataset_has_empty_stats_and_export(client: AsyncClient) -> None:
    await _seed(client, [gsm_like(0)])
    await _build(
        client, dataset_name="none", dataset_version="v1", limit=5, filters={"source": "x"}
    )
    dataset = (await client.get("/api/datasets/none-v1")).json()
    assert dataset["stats"]["steps"] == {"min": None, "max": None, "mean": None}
    assert dataset["stats"]["scores"] == {}
    export = await client.get("/api/datasets/none-v1/export.jsonl")
    assert export.status_code == 200
    assert export.content == b""


async def _add_dataset(app: FastAPI, key: str, member_ids: bytes) -> None:
    """A dataset row with the given member bytes, as a build would store it."""
    async with app.state.sessionmaker() as session:
        count = len(member_ids) // 16
        session.add(
            Dataset(
                dataset_key=key,
                name=key,
                version="v1",
                build_id=uuid.uuid4(),
                dataset_schema_version="1",
                created_at=utcnow(),
                trace_count=count,
                split_counts={"train": count, "eval": 0},
                stats={},
                request={},
                selection_strategy="latest",
                checksum="",
                manifest_path="",
                member_ids=member_ids,
                member_splits=b"t" * count,
            )
        )
        await session.commit()


async def test_only_whole_member_ids_protect_a_trace(client: AsyncClient, app: FastAPI) -> None:
    """A trace's 16 bytes across two members' ids (the end of one, the start of the next) is not
    membership: found by the database's byte search, then ruled out."""
    first, second, third = map(uuid.UUID, await _seed(client, [gsm_like(i) for i in range(3)]))
    await _add_dataset(app, "straddles", os.urandom(8) + first.bytes + os.urandom(8))
    await _add_dataset(
        app, "straddles-then-holds", os.urandom(8) + second.bytes + os.urandom(8) + second.bytes
    )
    assert (await client.delete(f"/api/traces/{first}")).status_code == 204
    response = await client.delete(f"/api/traces/{second}")
    assert response.status_code == 409
    assert response.json()["error"]["details"] == {"datasets": ["straddles-then-holds"]}
    assert (await client.get(f"/api/traces/{second}")).status_code == 200
    assert (await client.delete(f"/api/traces/{third}")).status_code == 204
    assert (await client.delete(f"/api/traces/{third}")).status_code == 404


async def test_a_refused_delete_changes_nothing(client: AsyncClient) -> None:
    ids = await _seed(client, [gsm_like(i) for i in range(2)])
    score = await client.post(
        f"/api/traces/{ids[0]}/scores", json={"name": "m", "value": 1, "source": "human"}
    )
    assert score.status_code == 201
    await _build(client, dataset_name="k", dataset_version="v1", limit=2)
    assert (await client.delete(f"/api/traces/{ids[0]}")).status_code == 409
    kept = (await client.get(f"/api/traces/{ids[0]}")).json()
    assert [s["name"] for s in kept["scores"]] == ["m"]


def _pause_after_choosing(monkeypatch: pytest.MonkeyPatch) -> tuple[asyncio.Event, asyncio.Event]:
    """Builds stop once they have chosen their traces, until released."""
    chosen, release = asyncio.Event(), asyncio.Event()
    choose = service._choose

    async def paused(*args: Any) -> Any:
        out = await choose(*args)
        chosen.set()
        await release.wait()
        return out

    monkeypatch.setattr(service, "_choose", paused)
    return chosen, release


async def test_a_delete_racing_a_build_never_leaves_a_member_missing(
    client: AsyncClient, app: FastAPI, dialect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: the delete waits for the build and is then refused. SQLite: the delete goes
    first and the build, finding a chosen trace gone, records nothing."""
    ids = await _seed(client, [gsm_like(i) for i in range(3)])
    chosen, release = _pause_after_choosing(monkeypatch)
    build = asyncio.ensure_future(
        client.post(
            "/api/datasets/build", json={"dataset_name": "r", "dataset_version": "v1", "limit": 3}
        )
    )
    await asyncio.wait_for(chosen.wait(), 10)
    delete = asyncio.ensure_future(client.delete(f"/api/traces/{ids[1]}"))
    if dialect == "postgresql":
        await asyncio.sleep(0.5)
        assert not delete.done()  # waiting for the build's lock
        release.set()
        assert (await build).status_code == 201
        response = await delete
        assert response.status_code == 409
        assert response.json()["error"]["details"] == {"datasets": ["r-v1"]}
        export = await client.get("/api/datasets/r-v1/export.jsonl", params={"format": "trace"})
        assert export.text.count("\n") == 3
        return
    assert (await delete).status_code == 204
    release.set()
    response = await build
    assert response.status_code == 409
    assert response.json()["error"]["details"] == {"trace_id": ids[1]}
    assert (await client.get("/api/datasets")).json()["items"] == []
    assert (await client.get("/api/datasets/r-v1/manifest.json")).status_code == 404
    async with app.state.sessionmaker() as session:
        assert (await session.execute(select(Dataset.dataset_key))).all() == []
