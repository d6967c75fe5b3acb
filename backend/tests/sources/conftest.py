"""Helpers for the import and UNGAR tests (both dialects, through the real app)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import orjson
import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncEngine

from tunix_rt_backend.app import create_app
from tunix_rt_backend.data import gsm8k_file as gsm8k_file
from tunix_rt_backend.served import serve
from tunix_rt_backend.settings import Settings

SMALL_UPLOAD_BYTES = 4_096


def jsonl_bytes(records: Iterable[Any]) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


async def post_import(client: AsyncClient, body: Any, **params: Any) -> Response:
    """POST a file body; a list value repeats its parameter (``map=[...]``)."""
    query: list[tuple[str, str]] = []
    for key, value in params.items():
        for item in value if isinstance(value, list) else [value]:
            query.append((key, str(item).lower() if isinstance(item, bool) else str(item)))
    return await client.post("/api/traces/import", params=tuple(query), content=body)


async def count(client: AsyncClient, **params: Any) -> int:
    response = await client.get("/api/traces/count", params=params)
    assert response.status_code == 200, response.text
    result: int = response.json()["count"]
    return result


@pytest.fixture
async def small_upload_client(
    client: AsyncClient, settings: Settings, migrated_engine: AsyncEngine
) -> AsyncIterator[AsyncClient]:
    """A client of an app that takes uploads of at most SMALL_UPLOAD_BYTES (same database)."""
    app: FastAPI = create_app(settings.model_copy(update={"max_upload_bytes": SMALL_UPLOAD_BYTES}))
    async with AsyncClient(
        transport=ASGITransport(app=app), base_url="http://tunix-rt.test"
    ) as http:
        yield http
    await app.state.engine.dispose()


@contextlib.contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """``tunix-rt serve`` with these settings, in a child process; yields its URL."""
    with serve(settings=settings) as server:
        yield server.url


@pytest.fixture
def live_server(settings: Settings, client: AsyncClient) -> Iterator[str]:
    """A running server on the test database (the `client` fixture empties its tables)."""
    with serving(settings) as url:
        yield url
