"""API keys: every /api route but the health check needs one when keys are configured."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from httpx import ASGITransport, AsyncClient

from tests.conftest import make_trace
from tunix_rt_backend.app import create_app
from tunix_rt_backend.cli import main
from tunix_rt_backend.settings import Settings


@pytest.fixture
async def locked(
    settings: Settings, client: AsyncClient, tmp_path: Path
) -> AsyncIterator[AsyncClient]:
    # `client` empties the tables first.
    keys_file = tmp_path / "keys"
    keys_file.write_text("# team keys\nfile-key-2\n")
    locked_settings = settings.model_copy(
        update={"api_keys": ["key-one"], "api_keys_file": keys_file}
    )
    transport = ASGITransport(app=create_app(locked_settings))
    async with AsyncClient(transport=transport, base_url="http://tunix-rt.test") as http:
        yield http


async def test_requests_without_a_valid_key_are_401(locked: AsyncClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic key-one"}):
        response = await locked.get("/api/traces", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["error"]["code"] == "unauthorized"
    refused = await locked.post("/api/traces", json=make_trace())
    assert refused.status_code == 401
    ok = await locked.post(
        "/api/traces", json=make_trace(), headers={"Authorization": "Bearer key-one"}
    )
    assert ok.status_code in {200, 201}
    listed = await locked.get("/api/traces", headers={"Authorization": "Bearer file-key-2"})
    assert listed.status_code == 200
    assert len(listed.json()["items"]) == 1


async def test_health_and_dashboard_stay_open(locked: AsyncClient) -> None:
    assert (await locked.get("/api/health")).status_code == 200
    assert (await locked.get("/traces")).status_code in {200, 404}
    assert (await locked.get("/openapi.json")).status_code == 200


def test_serve_refuses_a_public_address_without_keys(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TUNIX_RT_API_KEYS", raising=False)
    monkeypatch.delenv("TUNIX_RT_API_KEYS_FILE", raising=False)
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    assert "refusing to serve on 0.0.0.0 without API keys" in capsys.readouterr().err


def test_empty_keys_mean_no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUNIX_RT_API_KEYS", "")
    monkeypatch.setenv("TUNIX_RT_CORS_ORIGINS", "")
    settings = Settings()
    assert settings.all_api_keys() == []
    assert settings.cors_origins == []


def test_keys_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUNIX_RT_API_KEYS", "key-alpha, key-beta ,,key-gamma")
    monkeypatch.setenv("TUNIX_RT_CORS_ORIGINS", "http://localhost:5173")
    settings = Settings()
    assert settings.all_api_keys() == ["key-alpha", "key-beta", "key-gamma"]
    assert settings.cors_origins == ["http://localhost:5173"]
    assert "key-alpha" not in repr(settings)
