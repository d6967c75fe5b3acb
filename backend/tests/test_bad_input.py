"""Bad input: a clear 4xx with the error body, and nothing stored. Never a 500."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from httpx import AsyncClient

from tests.conftest import make_trace


async def _count(client: AsyncClient) -> int:
    count: int = (await client.get("/api/traces/count")).json()["count"]
    return count


def _error(response_json: dict[str, Any]) -> dict[str, Any]:
    error = response_json["error"]
    assert isinstance(error, dict)
    assert set(error) == {"code", "message", "details"}
    assert error["message"]
    return error


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "invalid_json"),
        (b"", 400, "invalid_json"),
        (b'{"prompt": "\xff\xfe", "final_answer": "1"}', 400, "invalid_json"),
        (b'{"prompt": "a\\ud800b", "final_answer": "1"}', 400, "invalid_json"),
        (b'{"prompt": "a\\u0000b", "final_answer": "1"}', 422, "validation_error"),
        (b'{"prompt": "ok", "final_answer": "1", "metadata": {"k\\u0000": 1}}', 422, None),
        (b'{"prompt": "ok", "final_answer": "1", "tags": ["x\\u0000"]}', 422, None),
        (b'{"final_answer": "1"}', 422, "validation_error"),
        (b'{"prompt": "   ", "final_answer": "1"}', 422, "validation_error"),
        (b'{"prompt": "ok", "final_answer": "1", "surprise": true}', 422, "validation_error"),
        (b'{"prompt": 5, "final_answer": "1"}', 422, "validation_error"),
        (b'{"prompt": "ok", "final_answer": "1", "steps": "no"}', 422, "validation_error"),
        (b'{"prompt": "ok", "final_answer": "1", "steps": [{"content": "x", "t": 1}]}', 422, None),
        (b'{"prompt": "ok", "final_answer": "1", "run_id": "nope"}', 422, None),
        (b"[1, 2]", 422, "validation_error"),
        (b"null", 422, "validation_error"),
    ],
)
async def test_bad_trace_bodies(
    client: AsyncClient, body: bytes, status: int, code: str | None
) -> None:
    response = await client.post(
        "/api/traces", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == status, response.text
    error = _error(response.json())
    if code:
        assert error["code"] == code
    assert await _count(client) == 0


async def test_oversized_trace_is_413_even_without_content_length(client: AsyncClient) -> None:
    big = make_trace(prompt="x" * 200_000)
    response = await client.post("/api/traces", json=big)
    assert response.status_code == 413
    assert _error(response.json())["code"] == "payload_too_large"

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"prompt": "'
        for _ in range(30):
            yield b"y" * 10_000
        yield b'", "final_answer": "1"}'

    streamed = await client.post(
        "/api/traces", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in streamed.request.headers
    assert streamed.status_code == 413
    lying = await client.post(
        "/api/traces",
        content=b'{"prompt": "' + b"z" * 150_000 + b'", "final_answer": "1"}',
        headers={"Content-Type": "application/json", "Content-Length": "10"},
    )
    assert lying.status_code in {400, 413}
    assert await _count(client) == 0


async def test_batch_with_one_invalid_trace_stores_nothing(client: AsyncClient) -> None:
    traces = [make_trace(i) for i in range(10)]
    traces[7] = {**traces[7], "prompt": ""}
    response = await client.post("/api/traces/batch", json={"traces": traces})
    assert response.status_code == 422
    locs = [d["loc"] for d in _error(response.json())["details"]]
    assert ["traces", "7", "prompt"] in locs
    assert await _count(client) == 0


async def test_batch_with_nul_in_one_trace_stores_nothing(client: AsyncClient) -> None:
    traces = [make_trace(i) for i in range(3)]
    traces[2] = {**traces[2], "final_answer": "4\u0000"}
    response = await client.post("/api/traces/batch", json={"traces": traces})
    assert response.status_code == 422
    assert _error(response.json())["details"][0]["loc"] == [
        "traces",
        "2",
        "final_answer",
    ]
    assert await _count(client) == 0


async def test_batch_limits_are_413(client: AsyncClient) -> None:
    too_many = {"traces": [{"prompt": f"p{i}", "final_answer": "1"} for i in range(501)]}
    response = await client.post("/api/traces/batch", json=too_many)
    assert response.status_code == 413
    one_too_big = {"traces": [make_trace(0), make_trace(1, prompt="w" * 120_000)]}
    response = await client.post("/api/traces/batch", json=one_too_big)
    assert response.status_code == 413
    assert _error(response.json())["details"]["index"] == 1
    too_many_bytes = {"traces": [make_trace(i, prompt="v" * 90_000) for i in range(60)]}
    response = await client.post("/api/traces/batch", json=too_many_bytes)
    assert response.status_code == 413
    assert await _count(client) == 0


@pytest.mark.parametrize(
    "path",
    ["/api/traces/not-a-uuid", "/api/traces/123/scores", "/api/traces/compare?base=x&other=y"],
)
async def test_malformed_ids_are_422(client: AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 422
    assert _error(response.json())["code"] == "validation_error"


async def test_unknown_ids_are_404(client: AsyncClient) -> None:
    unknown = uuid.uuid4()
    for response in (
        await client.get(f"/api/traces/{unknown}"),
        await client.delete(f"/api/traces/{unknown}"),
        await client.get(f"/api/traces/{unknown}/scores"),
        await client.post(f"/api/traces/{unknown}/scores", json={"scorer": "baseline"}),
    ):
        assert response.status_code == 404
        assert _error(response.json())["code"] == "not_found"


async def test_unknown_routes_and_methods_use_the_error_body(client: AsyncClient) -> None:
    missing = await client.get("/api/nothing-here")
    assert missing.status_code == 404
    _error(missing.json())
    wrong = await client.put("/api/traces")
    assert wrong.status_code == 405
    assert _error(wrong.json())["code"] == "method_not_allowed"
