"""When the database cannot be reached the API says 503 with Retry-After, never a 500."""

from __future__ import annotations

from httpx import ASGITransport, AsyncClient

from tests.conftest import make_trace
from tunix_rt_backend.app import create_app
from tunix_rt_backend.served import free_port
from tunix_rt_backend.settings import Settings


async def test_unreachable_database_is_503_with_retry_after() -> None:
    nothing_there = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nowhere"
    app = create_app(Settings(database_url=nothing_there))
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as client:
        health = await client.get("/api/health")
        assert health.status_code == 503
        assert health.headers["retry-after"]
        assert health.json()["database"]["status"] == "unavailable"
        for response in (
            await client.get("/api/traces"),
            await client.post("/api/traces", json=make_trace()),
            await client.get("/api/datasets"),
        ):
            assert response.status_code == 503, response.text
            assert response.headers["retry-after"]
            assert response.json()["error"]["code"] == "database_unavailable"
