"""`tunix-rt dataset …` and `tunix-rt export traces` against a real SQLite database."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.conftest import make_trace
from tunix_rt_backend.cli import main
from tunix_rt_backend.local import migrated_session
from tunix_rt_backend.traces import service as trace_service
from tunix_rt_backend.traces.schemas import TraceCreate


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TUNIX_RT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("TUNIX_RT_DATASETS_DIR", str(tmp_path / "datasets"))

    async def seed() -> None:
        async with migrated_session() as session:
            await trace_service.create_batch(
                session,
                payloads=[TraceCreate.model_validate(make_trace(i)) for i in range(20)],
                idempotency_key=None,
                max_trace_bytes=1_000_000,
            )

    asyncio.run(seed())
    return tmp_path


def test_build_list_export(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "dataset", "build", "--name", "cli", "--version", "v1", "--limit", "12",
            "--strategy", "random", "--seed", "3", "--eval-fraction", "0.25",
            "--tag", "math", "--metadata", "split=train",
        ]
    )  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert "built cli-v1: 12 traces (train 9, eval 3)" in out
    assert (database / "datasets" / "cli-v1" / "manifest.json").is_file()

    assert main(["dataset", "list"]) == 0
    assert "cli-v1" in capsys.readouterr().out

    target = database / "out" / "train.jsonl"
    assert main(["dataset", "export", "cli-v1", "--split", "train", "--out", str(target)]) == 0
    records = [json.loads(line) for line in target.read_text().splitlines()]
    assert len(records) == 9
    assert all(r["prompts"] == r["prompt"] + r["completion"] for r in records)
    again = database / "out" / "again.jsonl"
    main(["dataset", "export", "cli-v1", "--split", "train", "--out", str(again)])
    assert again.read_bytes() == target.read_bytes()

    traces = database / "out" / "traces.jsonl"
    command = ["export", "traces", "--format", "trace", "--limit", "5", "--out", str(traces)]
    assert main(command) == 0
    lines = traces.read_text().splitlines()
    assert len(lines) == 5
    assert json.loads(lines[0])["metadata"]["index"] == 0


def test_bad_requests_fail_clearly(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dataset", "build", "--name", "../x", "--version", "v1", "--limit", "1"]) == 1
    assert "dataset_name" in capsys.readouterr().err
    assert main(["dataset", "build", "--name", "x", "--version", "v1", "--limit", "1",
                 "--strategy", "random"]) == 1  # fmt: skip
    assert "seed" in capsys.readouterr().err
    assert main(["dataset", "export", "missing-v1", "--out", str(database / "x.jsonl")]) == 1
    assert "No dataset missing-v1" in capsys.readouterr().err
    assert not (database / "x.jsonl").exists()
