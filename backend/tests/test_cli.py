"""`tunix-rt serve` and `tunix-rt db …` as a user runs them (real processes, real SQLite)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tunix_rt_backend.cli import main
from tunix_rt_backend.migrate import head_revision
from tunix_rt_backend.served import serve


def test_serve_migrates_then_serves_api_and_dashboard_fallback(tmp_path: Path) -> None:
    env = {
        "TUNIX_RT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
        "TUNIX_RT_FRONTEND_DIST": str(tmp_path / "no-dashboard"),
    }
    log = tmp_path / "serve.log"
    with serve(env, log_path=log, log_level="info") as server:
        health = httpx.get(f"{server.url}/api/health")
        assert health.json()["database"]["revision"] == head_revision()
        page = httpx.get(f"{server.url}/traces")
        assert page.status_code == 404
        assert "make install" in page.text
        api_missing = httpx.get(f"{server.url}/api/nope")
        assert api_missing.json()["error"]["code"] == "not_found"
    assert "sqlite database migrated; serving on" in log.read_text()


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
