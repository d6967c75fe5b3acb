"""Real processes for the fault tests: a private PostgreSQL cluster and a `tunix-rt serve`.

The cluster is this test's own (initdb into a temp folder, its own port and socket folder), so
it can be restarted and stopped without touching the PostgreSQL other tests share.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

from tunix_rt_backend.served import ServedApp, free_port, serve

PG_BINDIR_ENV = "TUNIX_RT_TEST_PG_BINDIR"


def unavailable(reason: str) -> NoReturn:
    """Skip locally; under CI a fault test that cannot run is a failure, not a silent pass."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(f"{reason}; set CI=1 to make this a failure")


def _postgres_bindir() -> Path | None:
    override = os.environ.get(PG_BINDIR_ENV)
    candidates = [Path(override)] if override else []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    # Debian and Ubuntu keep the server binaries off PATH, one folder per major version.
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    candidates.extend(versions)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


@dataclass
class Cluster:
    """One PostgreSQL server of our own: ``start``, ``restart``, ``stop`` it at will."""

    bindir: Path
    base: Path
    port: int
    run_as: list[str]

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    @property
    def log_path(self) -> Path:
        return self.base / "postgres.log"

    @property
    def admin_dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def _options(self) -> str:
        # Loopback TCP only, a socket folder of our own, and the defaults for durability
        # (fsync, synchronous_commit): an immediate stop must lose nothing acknowledged.
        return f"-p {self.port} -k {self.base / 'sock'} -c listen_addresses=127.0.0.1"

    def _pg_ctl(self, *args: str) -> None:
        # Every start names the log file (-l): a postmaster that inherited our pipes would
        # hold them open and this call would never see their end.
        command = [*self.run_as, str(self.bindir / "pg_ctl"), "-D", str(self.data_dir), *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if result.returncode != 0:
            raise RuntimeError(
                f"pg_ctl {' '.join(args)} failed ({result.returncode}):\n{result.stdout}"
                f"{result.stderr}\n{self.log_tail()}"
            )

    def start(self) -> None:
        self._pg_ctl("-w", "-o", self._options(), "-l", str(self.log_path), "start")

    def restart(self, mode: str = "fast") -> None:
        self._pg_ctl("-w", "-m", mode, "-o", self._options(), "-l", str(self.log_path), "restart")

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("-w", "-m", mode, "stop")

    def log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            return ""


@contextlib.contextmanager
def private_cluster() -> Iterator[Cluster]:
    """initdb a new cluster in a temp folder, start it, and remove it all afterwards.

    initdb refuses to run as root: as root the cluster belongs to the ``postgres`` user.
    """
    bindir = _postgres_bindir()
    if bindir is None:
        unavailable(f"PostgreSQL server binaries (initdb, pg_ctl) not found; set {PG_BINDIR_ENV}")
    run_as: list[str] = []
    owner: pwd.struct_passwd | None = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            unavailable("running as root and there is no 'postgres' user to own a cluster")
        runuser = shutil.which("runuser")
        if runuser is None:
            unavailable("running as root without runuser to start a cluster as 'postgres'")
        run_as = [str(runuser), "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="tunix-rt-pg-"))
    (base / "sock").mkdir()
    if owner is not None:
        for path in (base, base / "sock"):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    cluster = Cluster(bindir=bindir, base=base, port=free_port(), run_as=run_as)
    try:
        subprocess.run(
            [
                *run_as,
                str(bindir / "initdb"),
                "-D",
                str(cluster.data_dir),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",  # initdb's own files only; the server keeps fsync on
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        cluster.start()
        yield cluster
    finally:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            cluster.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def tunix_rt_server(env: Mapping[str, str], log_dir: Path) -> Iterator[ServedApp]:
    """Serve on a free loopback port with ``env`` (``TUNIX_RT_*``), no API keys; the log in
    ``log_dir``."""
    log_path = log_dir / f"tunix-rt-{os.getpid()}-{time.monotonic_ns()}.log"
    with serve(env, log_path=log_path) as server:
        yield server
