"""A hang in the test suite is a failure with every thread's stack, never a stalled `make test`.

Each case runs pytest in a child process with this suite's own configuration (pyproject.toml)
and conftest hooks, on a small test file written here, with the limits shortened.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

# Each case runs pytest in a child process and waits out a limit.
pytestmark = pytest.mark.slow

BACKEND_DIR = Path(__file__).resolve().parents[1]

HANGING = """
import asyncio
import threading
import time


def test_spins() -> None:
    threading.Thread(target=time.sleep, args=(3600,), name="helper", daemon=True).start()
    while True:
        pass


async def test_waits_forever() -> None:
    await asyncio.Event().wait()


def test_after_them() -> None:
    assert True
"""

# The timeout's signal never reaches Python (blocked here; in the livelock this guards against, the
# interpreter never gets back to running a signal handler): only the C watchdog can end it.
UNINTERRUPTIBLE = """
import signal


def test_stuck_where_no_signal_handler_runs() -> None:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    while True:
        pass


def test_never_reached() -> None:
    assert True
"""

NEVER_EXITS = """
import threading
import time


def test_leaves_a_thread_that_never_ends() -> None:
    threading.Thread(target=time.sleep, args=(3600,), name="never-ends").start()
"""


def _pytest(tmp_path: Path, source: str, *options: str, **env: str) -> tuple[int, str, float]:
    test_file = tmp_path / "test_limits_case.py"
    test_file.write_text(source)
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-c",
        str(BACKEND_DIR / "pyproject.toml"),
        "--rootdir",
        str(tmp_path),
        "-p",
        "tests.conftest",
        "-p",
        "no:cacheprovider",
        "-q",
        *options,
        str(test_file),
    ]
    started = time.monotonic()
    done = subprocess.run(
        command,
        cwd=BACKEND_DIR,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


def test_the_suites_have_a_per_test_limit() -> None:
    for pyproject in (
        BACKEND_DIR / "pyproject.toml",
        BACKEND_DIR.parent / "training/pyproject.toml",
    ):
        options = tomllib.loads(pyproject.read_text())["tool"]["pytest"]["ini_options"]
        assert 0 < options["timeout"] <= 600, pyproject
        assert "tunix_rt_backend.suite_limits" in options["addopts"], pyproject
        assert "faulthandler_timeout" not in options, pyproject


def test_a_hanging_test_fails_within_its_limit_with_every_stack(tmp_path: Path) -> None:
    code, output, seconds = _pytest(tmp_path, HANGING, "-o", "timeout=3")
    assert code == 1, output
    assert "2 failed, 1 passed" in output, output
    assert output.count("Timeout") >= 2, output
    # The main thread's stack is the failure's traceback; every other thread's is printed too.
    assert "while True:" in output, output
    assert "Stack of helper" in output, output
    assert seconds < 60, output


def test_a_test_no_signal_can_stop_ends_the_process_with_every_stack(tmp_path: Path) -> None:
    code, output, seconds = _pytest(
        tmp_path, UNINTERRUPTIBLE, "-o", "timeout=2", TUNIX_RT_TEST_HARD_GRACE_S="2"
    )
    assert code == 1, output
    assert "Timeout (0:00:04)!" in output, output
    assert "in test_stuck_where_no_signal_handler_runs" in output, output
    assert "passed" not in output, output
    assert seconds < 60, output


def test_a_process_that_does_not_exit_after_its_session_is_stopped_with_stacks(
    tmp_path: Path,
) -> None:
    code, output, seconds = _pytest(tmp_path, NEVER_EXITS, TUNIX_RT_TEST_EXIT_WATCHDOG_S="3")
    assert "1 passed" in output, output
    assert code == 1, output
    assert "Timeout (0:00:03)!" in output, output
    assert "in _shutdown" in output, output
    assert seconds < 60, output
