"""URLs the fuzzer found answered with a 500 or a wrong status: NUL characters, wrong methods."""

from __future__ import annotations

import pytest
from httpx import AsyncClient


@pytest.mark.parametrize(
    ("url", "where"),
    [
        ("/api/traces?q=a%00b", "query"),
        ("/api/traces?source=%00", "query"),
        ("/api/traces?tag=x&tag=a%00", "query"),
        ("/api/traces/count?metadata.split=a%00", "query"),
        ("/api/traces?min_score.a%00=1", "query"),
        ("/api/datasets/a%00b", "path"),
        ("/api/datasets/a%00b/manifest.json", "path"),
        ("/assets/a%00.js", "path"),  # the dashboard's file lookup
    ],
)
async def test_nul_in_the_url_is_422(client: AsyncClient, url: str, where: str) -> None:
    response = await client.get(url)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"] == [{"loc": [where], "msg": "NUL character", "type": "nul_character"}]


async def test_an_encoded_percent_sign_is_not_nul(client: AsyncClient) -> None:
    response = await client.get("/api/traces", params={"q": "%00"})  # sent as %2500
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("OPTIONS", "/api/runs", "GET, POST"),
        ("PUT", "/api/traces/0197a5a0-0000-7000-8000-000000000000", "DELETE, GET"),
        ("DELETE", "/api/runs/0197a5a0-0000-7000-8000-000000000000", "GET, PATCH"),
        ("OPTIONS", "/api/traces/import", "POST"),  # the literal path, not /api/traces/{id}
        ("GET", "/api/scores/bulk", "POST"),  # not the dashboard's 404
        ("GET", "/api/ungar/high-card-duel/generate", "POST"),
    ],
)
async def test_wrong_method_is_405_naming_every_allowed_method(
    client: AsyncClient, method: str, path: str, allow: str
) -> None:
    response = await client.request(method, path)
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == allow
    assert response.json()["error"]["code"] == "method_not_allowed"


async def test_unknown_api_path_is_404_whatever_the_method(client: AsyncClient) -> None:
    for method in ("GET", "POST", "DELETE"):
        response = await client.request(method, "/api/nope")
        assert response.status_code == 404, (method, response.text)
        assert response.json()["error"]["code"] == "not_found"
