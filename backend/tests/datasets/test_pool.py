"""Exports under a tight connection pool: one connection each, and a full pool is a 503."""

from __future__ import annotations

import pytest
from httpx import ASGITransport, AsyncClient

from tests.datasets.test_api import _build, _seed, gsm_like
from tunix_rt_backend.app import create_app
from tunix_rt_backend.settings import Settings


async def test_export_needs_one_connection_and_a_full_pool_is_503(
    client: AsyncClient, settings: Settings
) -> None:
    if settings.dialect != "postgresql":
        pytest.skip("SQLite has no connection pool to exhaust")
    await _seed(client, [gsm_like(i) for i in range(30)])
    await _build(client, dataset_name="pool", dataset_version="v1", limit=30)
    tight = settings.model_copy(
        update={"db_pool_size": 1, "db_max_overflow": 0, "db_pool_timeout_s": 1.0}
    )
    app = create_app(tight)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as one:
        export = await one.get("/api/datasets/pool-v1/export.jsonl")
        assert export.status_code == 200
        assert len(export.text.splitlines()) == 30
        async with app.state.engine.connect():  # someone holds the only connection
            busy = await one.get("/api/datasets/pool-v1")
        assert busy.status_code == 503
        assert busy.headers["retry-after"]
        assert busy.json()["error"]["code"] == "database_unavailable"
    await app.state.engine.dispose()
