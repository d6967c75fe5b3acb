"""Arithmetic problems through the API, the command line and the client, on both dialects."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.sources.conftest import count
from tests.sources.test_cli import tunix_rt
from tunix_rt_backend.app import create_app
from tunix_rt_backend.client import ApiError, Client
from tunix_rt_backend.contracts import ArithmeticSpec, generate_arithmetic
from tunix_rt_backend.settings import Settings
from tunix_rt_backend.sources.schemas import ArithmeticResult

GENERATE = "/api/sources/arithmetic/generate"


async def test_generate_stores_the_traces_then_nothing_new(client: AsyncClient) -> None:
    spec = {"count": 40, "seed": 11, "operations": ["+", "-", "*"], "max_steps": 4}
    response = await client.post(GENERATE, json=spec)
    assert response.status_code == 201, response.text
    assert response.json() == {"generated": 40, "created": 40, "existing": 0}
    assert await count(client, source="arithmetic") == 40

    again = await client.post(GENERATE, json=spec)
    assert again.status_code == 200, again.text
    assert again.json() == {"generated": 40, "created": 0, "existing": 40}
    assert await count(client) == 40

    # What is stored is what the contracts generate, with its source and tags.
    expected = {t.prompt: t for t in generate_arithmetic(ArithmeticSpec.model_validate(spec))}
    page = (await client.get("/api/traces", params={"source": "arithmetic", "limit": 5})).json()
    for item in page["items"]:
        trace = (await client.get(f"/api/traces/{item['id']}")).json()
        generated = expected[trace["prompt"]]
        assert [s["content"] for s in trace["steps"]] == [s.content for s in generated.steps]
        assert trace["final_answer"] == trace["reference_answer"] == generated.final_answer
        assert trace["tags"] == ["arithmetic", f"steps-{len(generated.steps)}", "worked"]
        assert trace["metadata"] == generated.metadata


async def test_answer_only_variant_is_stored_beside_the_full_one(client: AsyncClient) -> None:
    assert (await client.post(GENERATE, json={"count": 10})).status_code == 201
    bare = await client.post(GENERATE, json={"count": 10, "answer_only": True})
    assert bare.json() == {"generated": 10, "created": 10, "existing": 0}
    assert await count(client, tag="answer-only") == 10
    assert await count(client, source="arithmetic") == 20


@pytest.mark.parametrize(
    "body",
    [
        {"count": 0},
        {"count": 5, "min_steps": 3, "max_steps": 2},
        {"count": 5, "operations": ["/"]},
        {"count": 5, "unknown": 1},
        {"seed": 1},
        # valid fields, but the ranges hold fewer than 5,000 distinct problems
        {
            "count": 5000,
            "min_steps": 1,
            "max_steps": 1,
            "operand_max": 2,
            "start_min": 5,
            "start_max": 5,
        },
    ],
)
async def test_bad_specs_are_422_and_store_nothing(
    client: AsyncClient, body: dict[str, Any]
) -> None:
    response = await client.post(GENERATE, json=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"]
    assert await count(client) == 0


async def test_a_count_over_the_server_limit_is_413_and_stores_nothing(
    client: AsyncClient, settings: Settings, migrated_engine: AsyncEngine
) -> None:
    app = create_app(settings.model_copy(update={"max_generated_traces": 10}))
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t.test") as small:
        refused = await small.post(GENERATE, json={"count": 11})
        assert refused.status_code == 413, refused.text
        assert refused.json()["error"]["details"] == {"limit_traces": 10}
        assert (await small.post(GENERATE, json={"count": 10})).status_code == 201
    await app.state.engine.dispose()
    assert await count(client) == 10


async def test_malformed_body_is_400(client: AsyncClient) -> None:
    response = await client.post(GENERATE, content=b"{count: 3")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


async def test_datasets_of_arithmetic_traces_export_for_sft_and_rl(client: AsyncClient) -> None:
    assert (await client.post(GENERATE, json={"count": 30, "seed": 2})).status_code == 201
    built = await client.post(
        "/api/datasets/build",
        json={
            "dataset_name": "arith",
            "dataset_version": "v1",
            "limit": 30,
            "filters": {"source": "arithmetic"},
            "split": {"eval_fraction": 0.2},
        },
    )
    assert built.status_code == 201, built.text
    key = built.json()["dataset_key"]
    sft = await client.get(f"/api/datasets/{key}/export.jsonl", params={"format": "tunix_sft"})
    assert sft.status_code == 200
    records = [json.loads(line) for line in sft.text.splitlines()]
    assert len(records) == 30
    for record in records:
        assert record["prompts"] == record["prompt"] + record["completion"]
        assert re.search(r"<reasoning>\d+ [-+*] \d+ = \d+", record["completion"])
        answer = f"<answer>{record['final_answer']}</answer><end_of_turn>"
        assert record["completion"].endswith(answer)
    rl = await client.get(
        f"/api/datasets/{key}/export.jsonl", params={"format": "prompt_only", "split": "eval"}
    )
    rows = [json.loads(line) for line in rl.text.splitlines()]
    assert len(rows) == 6
    assert all(row["answer"].isdigit() and "have now?" in row["question"] for row in rows)


@pytest.fixture
def configured(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUNIX_RT_DATABASE_URL", database_url)


@pytest.mark.usefixtures("configured")
async def test_cli_into_the_configured_database_then_again(
    client: AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["import", "arithmetic", "--count", "25", "--seed", "4", "--steps", "1-4"]
    assert await tunix_rt(*argv, "--ops", "+,-,*", "--operands", "2-9", "--start", "10") == 0
    assert "25 problems generated, 25 new traces stored, 0 already stored" in (
        capsys.readouterr().out
    )
    assert await count(client, source="arithmetic") == 25
    assert await tunix_rt(*argv, "--ops", "+,-,*", "--operands", "2-9", "--start", "10") == 0
    assert "nothing new stored: all 25 traces were already stored" in capsys.readouterr().out
    assert await count(client) == 25
    # The command line and the API generate the same traces from the same spec.
    same = {
        "count": 25,
        "seed": 4,
        "min_steps": 1,
        "max_steps": 4,
        "operations": ["+", "-", "*"],
        "operand_min": 2,
        "operand_max": 9,
        "start_min": 10,
        "start_max": 10,
    }
    assert (await client.post(GENERATE, json=same)).json()["created"] == 0


@pytest.mark.usefixtures("configured")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--steps", "3-2"], "min_steps (3) exceeds max_steps (2)"),
        (["--count", "0"], "count: Input should be greater than or equal to 1"),
    ],
)
async def test_cli_bad_spec_exits_2_and_stores_nothing(
    client: AsyncClient, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    argv = ["import", "arithmetic", "--count", "5", *args]
    assert await tunix_rt(*argv) == 2
    assert message in capsys.readouterr().err
    assert await count(client) == 0


@pytest.mark.slow
async def test_cli_and_client_through_a_running_server(
    live_server: str, client: AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["import", "arithmetic", "--count", "12", "--answer-only", "--api", live_server]
    assert await tunix_rt(*argv) == 0
    assert "12 new traces stored" in capsys.readouterr().out
    assert await count(client, tag="answer-only") == 12

    def use_client() -> tuple[ArithmeticResult, ArithmeticResult, ApiError]:
        with Client(live_server) as api:
            first = api.generate_arithmetic(count=12, answer_only=True)
            second = api.generate_arithmetic(ArithmeticSpec(count=12, seed=1))
            with pytest.raises(ApiError) as refused:
                api.generate_arithmetic(count=12, min_steps=4, max_steps=1)
            return first, second, refused.value

    first, second, error = await asyncio.to_thread(use_client)
    assert (first.generated, first.created, first.existing) == (12, 0, 12)
    assert (second.created, second.existing) == (12, 0)
    assert (error.status, error.code) == (422, "validation_error")
    assert await count(client, source="arithmetic") == 24

    unreachable = ["import", "arithmetic", "--count", "3", "--api", "http://127.0.0.1:9"]
    assert await tunix_rt(*unreachable) == 1
    assert "http://127.0.0.1:9" in capsys.readouterr().err
