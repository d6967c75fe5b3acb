"""`tunix-rt serve` and `tunix-rt db …` as a user runs them (real processes, real SQLite)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.test_client import _free_port
from tunix_rt_backend.cli import main
from tunix_rt_backend.migrate import head_revision

TUNIX_RT = shutil.which("tunix-rt", path=str(Path(sys.executable).parent)) or "tunix-rt"


def test_serve_migrates_then_serves_api_and_dashboard_fallback(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "TUNIX_RT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
        "TUNIX_RT_FRONTEND_DIST": str(tmp_path / "no-dashboard"),
    }
    process = subprocess.Popen(
        [TUNIX_RT, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        health = None
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/health")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert health is not None, "the server did not start"
        assert health.json()["database"]["revision"] == head_revision()
        page = httpx.get(f"http://127.0.0.1:{port}/traces")
        assert page.status_code == 404
        assert "make install" in page.text
        api_missing = httpx.get(f"http://127.0.0.1:{port}/api/nope")
        assert api_missing.json()["error"]["code"] == "not_found"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=15)
    assert "sqlite database migrated; serving on" in output


def test_db_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TUNIX_RT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'db.db'}")
    assert main(["db", "upgrade"]) == 0
    assert f"revision {head_revision()}" in capsys.readouterr().out
    assert main(["db", "downgrade", "base"]) == 0
    assert "revision (empty)" in capsys.readouterr().out
    assert main(["db", "current"]) == 0
    assert "revision (empty)" in capsys.readouterr().out
