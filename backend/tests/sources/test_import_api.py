"""POST /api/traces/import on both dialects: GSM8K, model outputs, bad lines, limits, memory."""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import AsyncIterator, MutableMapping
from typing import Any

import orjson
import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from tests.sources.conftest import SMALL_UPLOAD_BYTES, count, gsm8k_file, jsonl_bytes, post_import
from tunix_rt_backend.sources.importer import BATCH_ROWS


async def pieces(data: bytes, size: int = 65_536) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def test_gsm8k_test_split_imports_every_row_once(client: AsyncClient) -> None:
    data = gsm8k_file("test").read_bytes()
    response = await post_import(client, pieces(data), format="gsm8k", split="test")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "read": 1319,
        "created": 1319,
        "existing": 0,
        "invalid": [],
        "invalid_count": 0,
    }
    assert await count(client, source="gsm8k") == 1319

    page = await client.get("/api/traces", params={"metadata.split": "test", "metadata.index": 0})
    [summary] = page.json()["items"]
    janet = (await client.get(f"/api/traces/{summary['id']}")).json()
    assert janet["prompt"].startswith("Janet\u2019s ducks lay 16 eggs per day.")
    assert janet["step_count"] == 2
    assert all("<<" not in step["content"] for step in janet["steps"])
    assert janet["steps"][0]["content"] == "Janet sells 16 - 3 - 4 = 9 duck eggs a day."
    assert janet["final_answer"] == janet["reference_answer"] == "18"
    assert janet["metadata"] == {"split": "test", "index": 0}

    again = await post_import(client, pieces(data), format="gsm8k", split="test")
    assert again.json()["created"] == 0
    assert again.json()["existing"] == 1319
    assert await count(client) == 1319


async def test_model_outputs_are_split_by_the_tags_parser(client: AsyncClient) -> None:
    outputs = [
        {
            "question": f"What is {i} * 7?",
            "answer": str(i * 7),
            "output": {
                "text": f"<reasoning>{i} * 7 = {i * 7}\nSo {i * 7}.</reasoning>"
                f"<answer>{i * 7}</answer><end_of_turn>"
            },
        }
        for i in range(5)
    ]
    outputs.append({"question": "Unanswered?", "answer": "1", "output": {"text": "I am not sure"}})
    params: dict[str, Any] = {
        "format": "jsonl",
        "source": "eval",
        "parser": "tags",
        "map": ["prompt=question", "response=output.text", "reference_answer=answer"],
    }
    response = await post_import(client, jsonl_bytes(outputs), **params)
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 6

    page = await client.get("/api/traces", params={"q": "What is 3 * 7"})
    [summary] = page.json()["items"]
    trace = (await client.get(f"/api/traces/{summary['id']}")).json()
    assert [s["content"] for s in trace["steps"]] == ["3 * 7 = 21", "So 21."]
    assert trace["final_answer"] == "21"
    assert trace["reference_answer"] == "21"
    assert trace["source"] == "eval"
    assert trace["metadata"]["response"] == outputs[3]["output"]["text"]  # type: ignore[index]
    assert trace["metadata"]["response_format"] == "tags"

    unanswered = (await client.get("/api/traces", params={"q": "Unanswered"})).json()["items"][0]
    assert unanswered["final_answer_preview"] == "I am not sure"

    again = await post_import(client, jsonl_bytes(outputs), **params)
    assert (again.json()["created"], again.json()["existing"]) == (0, 6)


async def test_a_malformed_line_stores_nothing_and_is_reported_by_number(
    client: AsyncClient,
) -> None:
    body = (
        b'{"prompt": "one", "final_answer": "1"}\n'
        b'{"prompt": "two", "final_answer": \n'
        b"\n"
        b'{"prompt": "four"}\n'
        b'{"prompt": "five", "final_answer": "5"}'
    )
    refused = await post_import(client, body, format="jsonl", source="mine")
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["code"] == "validation_error"
    assert "nothing was stored" in error["message"]
    assert [item["line"] for item in error["details"]["invalid"]] == [2, 4]
    assert "not valid JSON" in error["details"]["invalid"][0]["error"]
    assert "final_answer: Field required" in error["details"]["invalid"][1]["error"]
    assert await count(client) == 0

    skipped = await post_import(client, body, format="jsonl", source="mine", skip_invalid=True)
    assert skipped.status_code == 200, skipped.text
    result = skipped.json()
    assert (result["read"], result["created"], result["invalid_count"]) == (4, 2, 2)
    assert [item["line"] for item in result["invalid"]] == [2, 4]
    assert await count(client, source="mine") == 2


async def test_a_bad_last_line_rolls_back_batches_already_written(client: AsyncClient) -> None:
    rows = [{"prompt": f"q{i}", "final_answer": str(i)} for i in range(2 * BATCH_ROWS + 100)]
    body = jsonl_bytes(rows) + b'{"prompt": "last"}\n'
    refused = await post_import(client, pieces(body), format="jsonl", source="bulk")
    assert refused.status_code == 422
    assert refused.json()["error"]["details"]["invalid"][0]["line"] == len(rows) + 1
    assert await count(client) == 0


async def test_too_large_traces_and_lines_are_invalid_lines(client: AsyncClient) -> None:
    # The test settings allow 100,000 bytes per trace; a parsed response is stored twice (as
    # steps and as metadata.response), so a 60,000-byte output makes a trace over the limit.
    big = {"q": "big", "r": "<reasoning>" + "x" * 60_000 + "</reasoning><answer>1</answer>"}
    huge_line = orjson.dumps({"q": "huge", "r": "y" * 900_000})
    body = jsonl_bytes([{"q": "small", "r": "<answer>2</answer>"}, big]) + huge_line + b"\n"
    params: dict[str, Any] = {
        "format": "jsonl",
        "source": "s",
        "map": ["prompt=q", "response=r"],
        "skip_invalid": True,
    }
    response = await post_import(client, pieces(body), **params)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["created"] == 1
    assert [item["line"] for item in result["invalid"]] == [2, 3]
    assert "too large" in result["invalid"][0]["error"]
    assert "longer than 800000 bytes" in result["invalid"][1]["error"]


async def test_uploads_over_the_limit_are_refused_on_the_bytes_read(
    small_upload_client: AsyncClient,
) -> None:
    rows = [{"prompt": f"question {i}", "final_answer": str(i)} for i in range(200)]
    data = jsonl_bytes(rows)
    assert len(data) > SMALL_UPLOAD_BYTES
    # A streamed body has no Content-Length: the limit is enforced on what arrives.
    streamed = await post_import(
        small_upload_client, pieces(data, 1_000), format="jsonl", source="s"
    )
    assert streamed.status_code == 413, streamed.text
    assert streamed.json()["error"]["code"] == "payload_too_large"
    assert await count(small_upload_client) == 0

    declared = await post_import(small_upload_client, data, format="jsonl", source="s")
    assert declared.status_code == 413

    fits = await post_import(
        small_upload_client, jsonl_bytes(rows[:10]), format="jsonl", source="s"
    )
    assert fits.status_code == 200
    assert fits.json()["created"] == 10


async def test_options_that_do_not_fit_are_422(client: AsyncClient) -> None:
    cases: list[dict[str, Any]] = [
        {"format": "jsonl"},
        {"format": "csv"},
        {"format": "jsonl", "source": "s", "map": ["answer=x"]},
        {"format": "jsonl", "source": "s", "map": ["prompt=q"]},
        {"format": "jsonl", "source": "s", "parser": "xml"},
        {"format": "gsm8k", "map": ["prompt=q"]},
    ]
    for params in cases:
        response = await post_import(client, b'{"prompt": "p", "final_answer": "1"}\n', **params)
        assert response.status_code == 422, (params, response.text)
        assert response.json()["error"]["code"] == "validation_error"
    assert await count(client) == 0


@pytest.mark.slow
async def test_a_50_mb_upload_streams_with_flat_memory(client: AsyncClient) -> None:
    step = "s" * 1_000
    rows = 2_500  # about 20 KB each: 50 MB in all

    def line(i: int) -> bytes:
        record = {
            "prompt": f"Question {i}",
            "steps": [{"type": "reasoning", "content": f"{j} {step}"} for j in range(20)],
            "final_answer": str(i),
        }
        return orjson.dumps(record) + b"\n"

    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        for i in range(rows):
            chunk = line(i)
            sent += len(chunk)
            yield chunk

    gc.collect()
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        response = await post_import(client, body(), format="jsonl", source="big")
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()
    assert response.status_code == 200, response.text
    assert response.json()["created"] == rows
    assert sent > 50_000_000
    # Buffering the upload (or all its traces) would need well over 50 MB.
    assert peak < 16_000_000, f"peak traced memory grew by {peak:,} bytes"
    assert await count(client, source="big") == rows


async def test_an_interrupted_upload_stores_nothing(app: FastAPI, client: AsyncClient) -> None:
    rows = jsonl_bytes({"prompt": f"q{i}", "final_answer": "1"} for i in range(2 * BATCH_ROWS))
    incoming: list[dict[str, Any]] = [
        {"type": "http.request", "body": rows, "more_body": True},
        {"type": "http.disconnect"},
    ]
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0)

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/traces/import",
        "raw_path": b"/api/traces/import",
        "root_path": "",
        "query_string": b"format=jsonl&source=cut",
        "headers": [(b"host", b"tunix-rt.test")],
        "client": ("127.0.0.1", 5000),
        "server": ("tunix-rt.test", 80),
    }
    await app(scope, receive, send)
    assert sent[0]["status"] == 400
    assert b"interrupted" in sent[1]["body"]
    assert await count(client) == 0
