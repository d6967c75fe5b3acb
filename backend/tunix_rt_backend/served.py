"""`tunix-rt serve` in a child process on a free loopback port.

What every test suite, benchmark and notebook uses when it needs a live HTTP server. A server
is never run in a thread of the caller's process: when such a thread ends, greenlet (SQLAlchemy's
asyncio bridge) tears the thread's state down later from a pending call on the main thread,
and on CPython 3.11 that can spin the main thread forever. A child process also serves exactly
as a user's does: the same command, migrations at start, its own event loop and signals.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tunix_rt_backend.settings import Settings

START_TIMEOUT_S = 60.0
STOP_GRACE_S = 20.0
PR_SET_PDEATHSIG = 1  # prctl(2)


def free_port() -> int:
    """A loopback TCP port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def settings_env(settings: Settings) -> dict[str, str]:
    """The ``TUNIX_RT_*`` environment under which ``tunix-rt serve`` has ``settings``."""
    env: dict[str, str] = {}
    for name, value in settings.model_dump().items():
        if value is None:
            continue
        if isinstance(value, list):
            text = ",".join(str(item) for item in value)
        elif isinstance(value, bool):
            text = "true" if value else "false"
        else:
            text = str(value)
        env[f"TUNIX_RT_{name.upper()}"] = text
    return env


@dataclass
class ServedApp:
    """A running ``tunix-rt serve``: its process, URL, log file and API key (if any)."""

    process: subprocess.Popen[bytes]
    url: str
    log_path: Path
    api_key: str | None

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def client(self, **options: Any) -> httpx.AsyncClient:
        """An async client of this server, with its API key."""
        return httpx.AsyncClient(base_url=self.url, headers=self.headers, **options)

    def sync_client(self, **options: Any) -> httpx.Client:
        """A client of this server, with its API key."""
        return httpx.Client(base_url=self.url, headers=self.headers, **options)


# Run first in the child on Linux: ask for SIGTERM when the parent dies (PR_SET_PDEATHSIG, kept
# across exec), give up if the parent is already gone, then become the server. A test process
# killed before its clean-up ran (SIGKILL, a crash) leaves no server behind. This is a separate
# step rather than a preexec_fn, which may deadlock in a child forked from a threaded process.
_DIE_WITH_PARENT = (
    "import ctypes, os, signal, sys\n"
    f"ctypes.CDLL(None).prctl({PR_SET_PDEATHSIG}, signal.SIGTERM)\n"
    "if os.getppid() != int(sys.argv[1]):\n"
    "    sys.exit(1)\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)


def _wait_healthy(served: ServedApp, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    with served.sync_client(timeout=5) as http:
        while True:
            if not served.alive():
                raise RuntimeError(
                    f"tunix-rt serve exited with {served.process.returncode} before it was "
                    f"healthy:\n{served.log_tail()}"
                )
            with contextlib.suppress(httpx.TransportError):
                if http.get("/api/health").status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"tunix-rt serve was not healthy within {timeout_s:.0f} s:\n{served.log_tail()}"
                )
            time.sleep(0.05)


def stop(process: subprocess.Popen[bytes], grace_s: float = STOP_GRACE_S) -> None:
    """SIGTERM, then SIGKILL if the process has not exited within ``grace_s``."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def serve(
    env: Mapping[str, str] | None = None,
    *,
    settings: Settings | None = None,
    api_key: str | None = None,
    log_path: Path | None = None,
    log_level: str = "warning",
    start_timeout_s: float = START_TIMEOUT_S,
    stop_grace_s: float = STOP_GRACE_S,
) -> Iterator[ServedApp]:
    """Serve on a free loopback port until the block ends; yields the running server.

    The child's environment is ours without any ``TUNIX_RT_*`` variable, then ``settings``
    (as ``TUNIX_RT_*`` variables), then ``env``, then ``api_key`` as its only key. Its output
    goes to ``log_path`` (a temporary file by default, removed after). It is healthy
    (``/api/health`` answered 200) when this yields, and stopped (SIGTERM, SIGKILL after
    ``stop_grace_s``) when the block ends, however it ends. On Linux it also stops when the
    thread that started it ends: start it from the thread that will stop it.
    """
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("TUNIX_RT_")}
    if settings is not None:
        child_env.update(settings_env(settings))
    child_env.update(env or {})
    if api_key is not None:
        child_env["TUNIX_RT_API_KEYS"] = api_key
        child_env.pop("TUNIX_RT_API_KEYS_FILE", None)
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("tunix-rt")),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        log_level,
    ]
    if sys.platform == "linux":
        command = [sys.executable, "-c", _DIE_WITH_PARENT, str(os.getpid()), *command]
    with contextlib.ExitStack() as cleanup:
        if log_path is None:
            folder = cleanup.enter_context(tempfile.TemporaryDirectory(prefix="tunix-rt-serve-"))
            log_path = Path(folder) / "server.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                env=child_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        served = ServedApp(process, f"http://127.0.0.1:{port}", log_path, api_key)
        try:
            _wait_healthy(served, start_timeout_s)
            yield served
        finally:
            stop(process, stop_grace_s)
