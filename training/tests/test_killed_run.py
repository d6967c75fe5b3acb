"""A training run killed mid-way (SIGKILL: no handler runs, nothing is reported) against a real
tunix-rt server on PostgreSQL: the server reports the silent run failed once its heartbeat
timeout passes; the same command again resumes from the last checkpoint, continues the run's
metrics from there and ends it succeeded, under the same server id."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx
import pytest

from tunix_rt_backend.served import serve

from .conftest import SAMPLE_DATA, TINY_CONFIG

ADMIN_DSN = os.environ.get(
    "TUNIX_RT_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
HEARTBEAT_TIMEOUT_S = 8.0
MAX_STEPS = 60
CHECKPOINT_EVERY = 5
KILL_AFTER_CHECKPOINT = 10  # the first checkpoint at or after this step triggers the kill
BIN = Path(sys.executable).parent


async def _admin(statement: str) -> None:
    connection = await asyncpg.connect(ADMIN_DSN, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    """A new database on the shared PostgreSQL (created, then dropped); its SQLAlchemy URL."""
    name = f"tunix_rt_killed_run_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required under CI and is unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable ({exc}); set CI=1 to make this a failure")
    try:
        base = ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
        yield f"{base}/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TUNIX_RT_API_KEY")}
    env.update(extra)
    return env


@contextlib.contextmanager
def tunix_rt_server(database_url: str, folder: Path) -> Iterator[str]:
    """`tunix-rt serve` with a short heartbeat timeout; its base URL."""
    env = {
        "TUNIX_RT_DATABASE_URL": database_url,
        "TUNIX_RT_DATASETS_DIR": str(folder / "datasets"),
        "TUNIX_RT_RUN_HEARTBEAT_TIMEOUT_S": str(HEARTBEAT_TIMEOUT_S),
    }
    with serve(env, log_path=folder / "server.log") as server:
        yield server.url


def _checkpoints(run_dir: Path) -> list[int]:
    """Finished checkpoints (orbax renames a step's folder to its number once it is whole)."""
    root = run_dir / "checkpoints"
    if not root.is_dir():
        return []
    return sorted(int(p.name) for p in root.iterdir() if p.name.isdigit())


def _steps(run_dir: Path) -> list[int]:
    path = run_dir / "metrics.jsonl"
    if not path.exists():
        return []
    # The line being written when the process was killed may be cut short.
    steps = []
    for line in path.read_text().splitlines():
        with contextlib.suppress(ValueError):
            steps.append(int(json.loads(line)["step"]))
    return steps


def _run(http: httpx.Client, run_id: str) -> dict[str, Any]:
    response = http.get(f"/api/runs/{run_id}")
    assert response.status_code == 200, response.text
    run: dict[str, Any] = response.json()
    return run


@pytest.mark.slow
def test_killed_run_is_failed_and_resumes_from_its_checkpoint(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    with fresh_database() as database_url, tunix_rt_server(database_url, tmp_path) as url:
        command = [
            str(BIN / "tunix-rt-train"),
            "sft",
            str(TINY_CONFIG),
            f"data.path={SAMPLE_DATA}",
            "data.limit=8",
            f"training.max_steps={MAX_STEPS}",
            "training.batch_size=2",
            "training.warmup_steps=2",
            f"training.checkpoint_every={CHECKPOINT_EVERY}",
            "training.log_every=1000",
            "api.metrics_batch_steps=1",
            f"api.url={url}",
            f"output.dir={run_dir}",
        ]
        env = _environment()
        first_log = tmp_path / "first.log"
        with first_log.open("wb") as log:
            first = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        try:
            deadline = time.monotonic() + 120
            while not any(step >= KILL_AFTER_CHECKPOINT for step in _checkpoints(run_dir)):
                assert first.poll() is None, first_log.read_text()
                assert time.monotonic() < deadline, first_log.read_text()
                time.sleep(0.05)
            manifest = json.loads((run_dir / "run_manifest.json").read_text())
            run_id = manifest["api_run_id"]
            with httpx.Client(base_url=url, timeout=30) as http:
                # Alive and reporting: running (the GET also reaps silent runs; this is not one).
                assert _run(http, run_id)["status"] == "running"
                os.killpg(first.pid, signal.SIGKILL)
        finally:
            if first.poll() is None:
                os.killpg(first.pid, signal.SIGKILL)
            first.wait()
        assert first.returncode == -signal.SIGKILL
        checkpoint = _checkpoints(run_dir)[-1]
        recorded = _steps(run_dir)
        assert KILL_AFTER_CHECKPOINT <= checkpoint <= recorded[-1] < MAX_STEPS

        with httpx.Client(base_url=url, timeout=30) as http:
            # Nothing told the server; its heartbeat timeout does.
            killed_at = time.monotonic()
            while (run := _run(http, run_id))["status"] == "running":
                assert time.monotonic() - killed_at < HEARTBEAT_TIMEOUT_S + 30, run
                time.sleep(0.25)
            assert run["status"] == "failed", run
            assert run["error"], run
            assert run["finished_at"] is not None

            second = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=300, check=False
            )
            assert second.returncode == 0, second.stderr[-4000:]
            resumed = re.search(r"resuming .* from step (\d+)", second.stderr)
            assert resumed is not None, second.stderr[-4000:]
            assert int(resumed.group(1)) == checkpoint
            # A metrics post per step, and not one request logged on the console.
            assert "HTTP Request" not in second.stderr, second.stderr[-4000:]

            run = _run(http, run_id)
            assert run["status"] == "succeeded", run
            assert run["error"] is None
            assert [r["id"] for r in http.get("/api/runs").json()["items"]] == [run_id]
            metrics = http.get(f"/api/runs/{run_id}/metrics", params={"name": "loss"}).json()
            # Every step once: the steps before the kill, then the resumed run's from there on.
            assert [m["step"] for m in metrics["items"]] == list(range(1, MAX_STEPS + 1))

        assert _steps(run_dir) == list(range(1, MAX_STEPS + 1))
        manifest = json.loads((run_dir / "run_manifest.json").read_text())
        assert manifest["status"] == "succeeded"
        assert manifest["final_step"] == MAX_STEPS
        assert manifest["api_run_id"] == run_id
