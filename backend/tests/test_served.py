"""``tunix_rt_backend.served``: the one way tests, benchmarks and notebooks run a live server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tunix_rt_backend.served import serve, settings_env
from tunix_rt_backend.settings import Settings

pytestmark = pytest.mark.slow

PARENT = """
import sys, time
from tunix_rt_backend.served import serve
with serve({"TUNIX_RT_DATABASE_URL": sys.argv[1]}) as server:
    print(server.pid, flush=True)
    time.sleep(3600)
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has exited; it only waits for its parent to read its status.
    return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()


def test_a_server_is_healthy_inside_the_block_and_stopped_after(tmp_path: Path) -> None:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'a.db'}",
        datasets_dir=tmp_path / "datasets",
        api_keys=["k1", "k2"],
    )
    env = settings_env(settings)
    assert env["TUNIX_RT_API_KEYS"] == "k1,k2"  # pragma: allowlist secret
    assert env["TUNIX_RT_DATASETS_DIR"] == str(tmp_path / "datasets")
    with serve(settings=settings, api_key="k3") as server:  # pragma: allowlist secret
        assert httpx.get(f"{server.url}/api/health").json()["status"] == "ok"
        # api_key replaces the keys the settings name.
        assert httpx.get(f"{server.url}/api/traces", headers=server.headers).status_code == 200
        denied = httpx.get(f"{server.url}/api/traces", headers={"Authorization": "Bearer k1"})
        assert denied.status_code == 401
        pid = server.pid
    assert not _alive(pid)


def test_a_server_does_not_outlive_the_process_that_started_it(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, url], stdout=subprocess.PIPE, text=True
    )
    try:
        assert parent.stdout is not None
        server_pid = int(parent.stdout.readline())
        assert _alive(server_pid)
        parent.send_signal(signal.SIGKILL)  # no clean-up runs
        parent.wait()
        deadline = time.monotonic() + 20
        while _alive(server_pid):
            assert time.monotonic() < deadline, "the server outlived its parent"
            time.sleep(0.1)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
