"""CORS is off unless origins are configured; then only those origins are let in."""

from __future__ import annotations

from httpx import ASGITransport, AsyncClient

from tunix_rt_backend.app import create_app
from tunix_rt_backend.settings import Settings

PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type",
}


async def _preflight_and_get(settings: Settings, origin: str) -> tuple[int, dict[str, str]]:
    transport = ASGITransport(app=create_app(settings))
    async with AsyncClient(transport=transport, base_url="http://tunix-rt.test") as http:
        preflight = await http.options("/api/traces", headers={"Origin": origin, **PREFLIGHT})
        response = await http.get("/api/health", headers={"Origin": origin})
    return preflight.status_code, {
        "preflight": preflight.headers.get("access-control-allow-origin", ""),
        "get": response.headers.get("access-control-allow-origin", ""),
    }


async def test_no_cross_origin_access_by_default(settings: Settings) -> None:
    assert settings.cors_origins == []
    status, allowed = await _preflight_and_get(settings, "https://evil.example")
    assert status == 405  # no CORS layer answers the preflight
    assert allowed == {"preflight": "", "get": ""}


async def test_only_configured_origins_are_allowed(settings: Settings) -> None:
    configured = settings.model_copy(update={"cors_origins": ["http://localhost:5173"]})
    status, allowed = await _preflight_and_get(configured, "http://localhost:5173")
    assert status == 200
    assert allowed == {"preflight": "http://localhost:5173", "get": "http://localhost:5173"}
    status, allowed = await _preflight_and_get(configured, "https://evil.example")
    assert status == 400
    assert allowed == {"preflight": "", "get": ""}
