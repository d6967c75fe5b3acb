"""The example data: ``POST /api/demo`` on both dialects, and ``tunix-rt demo`` as run by a
user."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from httpx import AsyncClient

from tunix_rt_backend.client import Client
from tunix_rt_backend.served import serve

GSM8K_ROWS = {"train": 7473, "test": 1319}
TRACES = sum(GSM8K_ROWS.values()) + 500
KEY = "demo-key"  # pragma: allowlist secret


@pytest.mark.slow
async def test_demo_loads_every_kind_of_content_once(client: AsyncClient) -> None:
    first = await client.post("/api/demo")
    assert first.status_code == 200, first.text
    body = first.json()
    assert {split: r["created"] for split, r in body["gsm8k"].items()} == GSM8K_ROWS
    assert body["arithmetic"]["created"] == 500
    assert body["scored"]["scorer"] == "answer_match"
    assert body["scored"]["scored"] == TRACES
    # GSM8K's reference answers are its final answers; generated problems are worked exactly.
    assert body["scored"]["mean"] == 1.0
    assert body["dataset_key"] == "gsm8k-demo-v1"
    assert body["dataset_created"] is True

    assert (await client.get("/api/traces/count")).json() == {"count": TRACES}
    scored = await client.get("/api/traces/count", params={"min_score.answer_match": 1})
    assert scored.json() == {"count": TRACES}
    dataset = (await client.get("/api/datasets/gsm8k-demo-v1")).json()
    assert dataset["trace_count"] == 2000
    assert 100 < dataset["split_counts"]["eval"] < 300

    again = (await client.post("/api/demo")).json()
    assert all(r["created"] == 0 for r in again["gsm8k"].values())
    assert again["arithmetic"]["created"] == 0
    assert again["scored"]["scored"] == 0
    assert again["scored"]["skipped"] == TRACES
    assert again["dataset_created"] is False
    assert (await client.get("/api/traces/count")).json() == {"count": TRACES}


@pytest.mark.slow
def test_the_demo_command_on_the_configured_database_and_through_a_server(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TUNIX_RT_")},
        "TUNIX_RT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}",
        "TUNIX_RT_DATASETS_DIR": str(tmp_path / "datasets"),
    }
    command = [str(Path(sys.executable).with_name("tunix-rt")), "demo"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "GSM8K train: 7,473 new traces stored, 0 already stored" in done.stdout
    assert "arithmetic: 500 new traces stored" in done.stdout
    assert f"answer_match: {TRACES:,} traces scored" in done.stdout
    assert "dataset gsm8k-demo-v1: built" in done.stdout

    with serve(env, api_key=KEY) as server:
        again = subprocess.run(
            [*command, "--api", server.url, "--api-key", KEY],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert again.returncode == 0, again.stderr
        assert "GSM8K test: 0 new traces stored, 1,319 already stored" in again.stdout
        assert "dataset gsm8k-demo-v1: already built" in again.stdout
        with Client(server.url, api_key=KEY) as api:
            assert api.load_demo().dataset_created is False
            assert [d.dataset_key for d in api.datasets()] == ["gsm8k-demo-v1"]
