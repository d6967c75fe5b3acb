"""Exports read in pages: the same bytes across page boundaries (whole and per split), and a
reader that stops early leaves its connection ready for the next statement."""

from __future__ import annotations

import asyncio
import json
from contextlib import aclosing

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import text

from tests.datasets.test_api import _build, _seed, gsm_like
from tunix_rt_backend.datasets import repository, service


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(repository, "STREAM_BATCH", 10)
    return 10


async def test_pages_join_into_the_whole_export(client: AsyncClient, small_pages: int) -> None:
    await _seed(client, [gsm_like(i, prompt_group=i % 17) for i in range(45)])
    await _build(
        client,
        dataset_name="paged",
        dataset_version="v1",
        limit=45,
        split={"eval_fraction": 0.3, "seed": 5},
    )
    manifest = (await client.get("/api/datasets/paged-v1/manifest.json")).json()
    for fmt in ("trace", "tunix_sft"):
        whole = await client.get("/api/datasets/paged-v1/export.jsonl", params={"format": fmt})
        lines = whole.content.splitlines(keepends=True)
        assert [json.loads(line)["id"] for line in lines] == manifest["trace_ids"]
        by_id = {json.loads(line)["id"]: line for line in lines}
        for split in ("train", "eval"):
            part = await client.get(
                "/api/datasets/paged-v1/export.jsonl", params={"format": fmt, "split": split}
            )
            assert part.content == b"".join(by_id[i] for i in manifest["splits"][split])
            assert len(manifest["splits"][split]) > small_pages


async def test_a_reader_that_stops_early_leaves_the_connection_usable(
    client: AsyncClient, app: FastAPI, small_pages: int
) -> None:
    await _seed(client, [gsm_like(i) for i in range(35)])
    await _build(client, dataset_name="part", dataset_version="v1", limit=35)
    whole = (await client.get("/api/datasets/part-v1/export.jsonl")).content
    async with app.state.sessionmaker() as session:
        blocks = service.export_lines(
            session, key="part-v1", format="trace", split=None, style="tags", system=None
        )
        async with aclosing(blocks):
            first = await anext(blocks)
        assert first == b"".join(whole.splitlines(keepends=True)[:small_pages])
        # The page read ahead is done with; the connection takes the next statement.
        assert (await session.execute(text("SELECT 1"))).scalar_one() == 1


async def test_an_export_cancelled_midway_leaves_the_pool_usable(
    client: AsyncClient, app: FastAPI, small_pages: int
) -> None:
    await _seed(client, [gsm_like(i) for i in range(35)])
    await _build(client, dataset_name="gone", dataset_version="v1", limit=35)
    started = asyncio.Event()

    async def slow_reader() -> None:
        async with (
            app.state.sessionmaker() as session,
            aclosing(
                service.export_lines(
                    session, key="gone-v1", format="trace", split=None, style="tags", system=None
                )
            ) as blocks,
        ):
            async for _ in blocks:
                started.set()
                await asyncio.sleep(30)  # a client that stopped reading

    reader = asyncio.create_task(slow_reader())
    await started.wait()
    reader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reader
    # Whichever connection the reader had is back in the pool and takes statements.
    for _ in range(3):
        again = await client.get("/api/datasets/gone-v1/export.jsonl")
        assert again.status_code == 200
        assert again.content.count(b"\n") == 35
