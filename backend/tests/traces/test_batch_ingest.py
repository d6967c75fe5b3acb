"""Batch ingest on both dialects: dedup, id order, atomicity, concurrency, multi-statement batches.

On PostgreSQL the batch goes through the array (unnest) insert; on SQLite through multi-row
VALUES. Both must give the same answers.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError

from tests.conftest import make_trace
from tunix_rt_backend.db import utcnow
from tunix_rt_backend.traces import repository, service
from tunix_rt_backend.traces.models import Trace
from tunix_rt_backend.traces.schemas import TraceCreate


async def _batch(client: AsyncClient, traces: list[dict[str, Any]]) -> dict[str, Any]:
    response = await client.post("/api/traces/batch", json={"traces": traces})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def _count(client: AsyncClient) -> int:
    count: int = (await client.get("/api/traces/count")).json()["count"]
    return count


async def test_batch_mixing_new_stored_and_repeated_traces(client: AsyncClient) -> None:
    single = (await client.post("/api/traces", json=make_trace(0))).json()["id"]
    batched = (await _batch(client, [make_trace(1)]))["ids"][0]

    body = await _batch(
        client,
        [make_trace(2), make_trace(0), make_trace(2), make_trace(3), make_trace(1), make_trace(3)],
    )

    ids = body["ids"]
    assert ids[1] == single
    assert ids[4] == batched
    assert ids[0] == ids[2]
    assert ids[3] == ids[5]
    assert len({ids[0], ids[3], single, batched}) == 4
    assert (body["created"], body["existing"]) == (2, 4)
    assert await _count(client) == 4
    for index, trace_id in ((2, ids[0]), (3, ids[3])):
        stored = (await client.get(f"/api/traces/{trace_id}")).json()
        assert stored["metadata"]["index"] == index


async def test_batch_stores_every_field_as_the_single_endpoint_does(client: AsyncClient) -> None:
    run_id = str(uuid.uuid4())
    full = make_trace(
        5,
        prompt='Combien font 2 + 2 ? 🤔 — ünïcödé "quoted" \\ back\nslash',
        steps=[{"content": "first"}, {"type": "tool", "content": '{"json": [1, 2]}'}],
        reference_answer=None,
        tags=["a", "b", "a"],
        metadata={"float": 0.5, "flag": True, "none": None, "deep": {"list": [1, "x"]}},
        trace_version="2.1",
        run_id=run_id,
    )
    bare = {"prompt": "What is 1 + 1?", "final_answer": "2"}
    ids = (await _batch(client, [full, bare]))["ids"]

    stored = (await client.get(f"/api/traces/{ids[0]}")).json()
    assert stored["prompt"] == full["prompt"]
    assert stored["steps"] == [
        {"type": "reasoning", "content": "first"},
        {"type": "tool", "content": '{"json": [1, 2]}'},
    ]
    assert stored["step_count"] == 2
    assert stored["reference_answer"] is None
    assert stored["tags"] == ["a", "b"]
    assert stored["metadata"] == full["metadata"]
    assert stored["trace_version"] == "2.1"
    assert stored["run_id"] == run_id
    empty = (await client.get(f"/api/traces/{ids[1]}")).json()
    assert (empty["source"], empty["tags"], empty["steps"], empty["metadata"]) == (
        "manual",
        [],
        [],
        {},
    )

    # The same content sent alone is recognised: one hash whichever endpoint stored it.
    again = await client.post("/api/traces", json=full)
    assert again.status_code == 200
    assert again.json()["id"] == ids[0]
    assert again.json()["content_hash"] == stored["content_hash"]


async def test_batch_split_over_several_statements(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repository, "_UNNEST_CHUNK", 3)
    monkeypatch.setattr(repository, "_INSERT_CHUNK", 3)
    monkeypatch.setattr(repository, "_LOOKUP_CHUNK", 2)
    stored = (await _batch(client, [make_trace(i) for i in (1, 4, 7)]))["ids"]

    order = [0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 9]
    body = await _batch(client, [make_trace(i) for i in order])

    ids = body["ids"]
    assert [ids[1], ids[4], ids[8]] == stored
    assert ids[0] == ids[6]
    assert ids[10] == ids[11]
    assert (body["created"], body["existing"]) == (7, 5)
    assert len(set(ids)) == 10
    assert await _count(client) == 10
    for position in (0, 5, 9, 11):
        stored_trace = (await client.get(f"/api/traces/{ids[position]}")).json()
        assert stored_trace["metadata"]["index"] == order[position]


async def test_a_failing_statement_leaves_nothing_from_the_batch(
    client: AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repository, "_UNNEST_CHUNK", 2)
    monkeypatch.setattr(repository, "_INSERT_CHUNK", 2)
    payloads = [TraceCreate.model_validate(make_trace(i)) for i in range(4)]
    # Past validation (as a bug in a caller might be): the database refuses it, in statement 2.
    valid = TraceCreate.model_validate(make_trace(9))
    payloads.append(valid.model_copy(update={"source": None}))
    async with app.state.sessionmaker() as session:
        with pytest.raises(IntegrityError):
            await service.create_batch(
                session, payloads=payloads, idempotency_key=None, max_trace_bytes=100_000
            )
    assert await _count(client) == 0


async def test_concurrent_overlapping_batches_store_each_trace_once(
    client: AsyncClient,
) -> None:
    first = [make_trace(i) for i in range(0, 60)]
    second = [make_trace(i) for i in range(30, 90)]

    a, b = await asyncio.gather(_batch(client, first), _batch(client, second))

    assert a["ids"][30:] == b["ids"][:30]
    assert a["created"] + b["created"] == 90
    assert a["existing"] + b["existing"] == 30
    assert await _count(client) == 90


async def test_batch_insert_stores_each_column_as_sqlalchemys_own_insert(app: FastAPI) -> None:
    """The batch insert binds its values itself (SQLite: positional VALUES; PostgreSQL: arrays):
    the stored row must be the one SQLAlchemy's ORM insert stores for the same values."""
    payload = TraceCreate.model_validate(
        make_trace(3, prompt='naïve ✓ \\ "q"', run_id=str(uuid.uuid4()), metadata={"x": 0.5})
    )
    row = service.build_row(payload, now=utcnow(), max_bytes=100_000)
    twin = dict(row, id=uuid.uuid4(), content_hash="f" * 64)
    async with app.state.sessionmaker() as session:
        assert await repository.insert_ignoring_duplicates(session, [row]) == {row["content_hash"]}
        await session.execute(insert(Trace).values(twin))
        raw = (
            await session.execute(
                text("SELECT * FROM traces WHERE content_hash IN (:a, :b) ORDER BY content_hash"),
                {"a": row["content_hash"], "b": twin["content_hash"]},
            )
        ).all()
        await session.rollback()
    batched, orm = (r._asdict() for r in raw)
    assert batched["content_hash"] == row["content_hash"]
    for stored in (batched, orm):
        del stored["id"], stored["content_hash"]
    assert batched == orm
