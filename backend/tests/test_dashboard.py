"""The built dashboard is served at /, with client-side routes falling back to index.html."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from httpx import ASGITransport, AsyncClient

from tunix_rt_backend.app import create_app
from tunix_rt_backend.settings import Settings

INDEX = "<!doctype html><div id=root></div>"


@pytest.fixture
async def dashboard(tmp_path: Path) -> AsyncIterator[AsyncClient]:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "app-1234.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("not for the web")
    app = create_app(
        Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", frontend_dist=dist)
    )
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client


@pytest.mark.parametrize(
    "path", ["/", "/traces", "/traces/0190e7a1-0000-7000-8000-000000000001", "/compare?base=a"]
)
async def test_client_routes_get_the_app(dashboard: AsyncClient, path: str) -> None:
    response = await dashboard.get(path)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["cache-control"] == "no-cache"


async def test_hashed_assets_are_cached_for_good(dashboard: AsyncClient) -> None:
    response = await dashboard.get("/assets/app-1234.js")
    assert response.status_code == 200
    assert response.text == "console.log(1)"
    assert "immutable" in response.headers["cache-control"]


async def test_unknown_api_paths_stay_json_errors(dashboard: AsyncClient) -> None:
    response = await dashboard.get("/api/no-such-endpoint")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


async def test_no_file_outside_the_build_is_served(dashboard: AsyncClient) -> None:
    response = await dashboard.get("/assets/%2e%2e/%2e%2e/secret.txt")
    assert "not for the web" not in response.text


async def test_an_unbuilt_dashboard_says_how_to_build_it(tmp_path: Path) -> None:
    app = create_app(
        Settings(
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
            frontend_dist=tmp_path / "missing",
        )
    )
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        response = await client.get("/traces")
    assert response.status_code == 404
    assert "make install" in response.text
