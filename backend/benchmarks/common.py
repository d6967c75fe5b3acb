"""Pieces the benchmarks share: GSM8K-shaped traces, a database of their own (PostgreSQL loaded with
``COPY``, or a SQLite file loaded with the engine's own bulk insert), the real server
(``tunix-rt serve``) in a subprocess, and what a process costs (CPU seconds, resident memory) read
from ``/proc``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import platform
import secrets
import sqlite3
import time
import uuid
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Coroutine,
    Iterator,
    Mapping,
    Sequence,
)
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import orjson
from sqlalchemy.dialects.sqlite import pysqlite

from tunix_rt_backend.data import GSM8K_DIR
from tunix_rt_backend.db import create_engine, json_dumps
from tunix_rt_backend.migrate import upgrade
from tunix_rt_backend.served import ServedApp, serve
from tunix_rt_backend.settings import Settings
from tunix_rt_backend.traces.models import Trace
from tunix_rt_backend.traces.schemas import TraceCreate
from tunix_rt_backend.traces.service import build_row

T = TypeVar("T")

ADMIN_DSN = os.environ.get(
    "TUNIX_RT_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
MAX_TRACE_BYTES = 1_000_000
LOAD_CHUNK = 50_000
# The traces table in COPY order; JSON columns travel as text, which PostgreSQL parses as jsonb.
COLUMNS = (
    "id",
    "created_at",
    "trace_version",
    "source",
    "prompt",
    "steps",
    "step_count",
    "final_answer",
    "reference_answer",
    "tags",
    "metadata",
    "content_hash",
    "run_id",
    "prompt_key",
    "prompt_chars",
    "answer_chars",
)


def say(message: str) -> None:
    print(message, flush=True)


# --- traces ------------------------------------------------------------------------------------


def gsm8k_dir() -> Path:
    """GSM8K as it ships with the package, or the folder named by TUNIX_RT_GSM8K_DIR."""
    override = os.environ.get("TUNIX_RT_GSM8K_DIR")
    return Path(override) if override else GSM8K_DIR


@dataclass(frozen=True)
class Problem:
    question: str
    steps: tuple[str, ...]
    answer: str


def load_problems() -> list[Problem]:
    path = gsm8k_dir() / "train.jsonl"
    if not path.is_file():
        raise SystemExit(f"GSM8K not found at {path}; set TUNIX_RT_GSM8K_DIR to its folder.")
    problems: list[Problem] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            item = orjson.loads(line)
            work, _, answer = str(item["answer"]).rpartition("####")
            steps = tuple(s.strip() for s in work.splitlines() if s.strip())
            problems.append(Problem(str(item["question"]), steps, answer.strip()))
    return problems


def source_of(i: int) -> str:
    # 89 % / 10 % / 1 %: a common and a rare source for the filter measurements.
    if i % 100 == 0:
        return "imported"
    return "synthetic" if i % 10 == 1 else "gsm8k"


def problem_fields(problem: Problem) -> dict[str, Any]:
    """A trace's content from a GSM8K problem: prompt, steps, final and reference answer."""
    return {
        "prompt": problem.question,
        "steps": [{"type": "reasoning", "content": step} for step in problem.steps],
        "final_answer": problem.answer,
        "reference_answer": problem.answer,
    }


def make_payload(problems: Sequence[Problem], i: int) -> dict[str, Any]:
    """Trace number ``i``: GSM8K row ``i mod 7473``, made distinct by its metadata index.

    metadata ``split`` is ``train`` on 90 % of the traces and ``test`` on 10 %; ``group`` is
    ``i mod 1000`` (0.1 % each)."""
    return {
        **problem_fields(problems[i % len(problems)]),
        "source": source_of(i),
        "tags": ["math", f"bucket-{i % 100}"],
        "metadata": {
            "split": "test" if i % 10 == 3 else "train",
            "index": i,
            "row": i % len(problems),
            "group": i % 1000,
        },
    }


def copy_record(payload: dict[str, Any], now: dt.datetime) -> tuple[Any, ...]:
    """The row the service would store for ``payload`` (same content hash), in COPY order."""
    row = build_row(TraceCreate.model_validate(payload), now=now, max_bytes=MAX_TRACE_BYTES)
    return (
        row["id"],
        row["created_at"],
        row["trace_version"],
        row["source"],
        row["prompt"],
        json_dumps(row["steps"]),
        row["step_count"],
        row["final_answer"],
        row["reference_answer"],
        json_dumps(row["tags"]),
        json_dumps(row["meta"]),
        row["content_hash"],
        row["run_id"],
        row["prompt_key"],
        row["prompt_chars"],
        row["answer_chars"],
    )


_SQLITE = pysqlite.dialect()
_ROW_KEYS = {"metadata": "meta"}  # build_row's key for a column, where the two differ
_SQLITE_BINDS = [
    (column, Trace.__table__.c[column].type.dialect_impl(_SQLITE).bind_processor(_SQLITE))
    for column in COLUMNS
]
SQLITE_INSERT = (
    f"INSERT INTO traces ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
)


def sqlite_record(payload: dict[str, Any], now: dt.datetime) -> tuple[Any, ...]:
    """The row the service would store for ``payload`` on SQLite, in ``COLUMNS`` order, each
    value as SQLAlchemy binds it (the same text, bytes and numbers the server writes)."""
    row = build_row(TraceCreate.model_validate(payload), now=now, max_bytes=MAX_TRACE_BYTES)
    return tuple(
        bind(row[_ROW_KEYS.get(column, column)]) if bind else row[_ROW_KEYS.get(column, column)]
        for column, bind in _SQLITE_BINDS
    )


def sqlite_result(column: str, value: Any) -> Any:
    """A stored SQLite value of ``traces.column`` as SQLAlchemy reads it back."""
    process = Trace.__table__.c[column].type.dialect_impl(_SQLITE).result_processor(_SQLITE, None)
    return process(value) if process else value


def open_sqlite(url: str) -> sqlite3.Connection:
    """A plain sqlite3 connection to the benchmark's file, set up as the server's are (WAL)."""
    db = sqlite3.connect(sqlite_path(url), isolation_level=None)
    db.execute("PRAGMA busy_timeout = 60000")
    db.execute("PRAGMA journal_mode = WAL")
    return db


def sqlite_bulk_insert(db: sqlite3.Connection, records: Sequence[tuple[Any, ...]]) -> None:
    """SQLite's own best bulk insert: one prepared statement, every row, one transaction."""
    db.execute("BEGIN IMMEDIATE")
    try:
        db.executemany(SQLITE_INSERT, records)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def load_sqlite_traces(url: str, problems: Sequence[Problem], rows: int) -> None:
    """``load_traces`` for a SQLite file: the same rows and times, bulk inserted a chunk per
    transaction. No ``ANALYZE``: the server runs none, so the plans measured are a user's."""
    with contextlib.closing(open_sqlite(url)) as db:
        db.execute("DELETE FROM traces")
        first = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=2.5 * rows)
        started = time.perf_counter()
        for part in chunks(rows, LOAD_CHUNK):
            records = [
                sqlite_record(make_payload(problems, i), first + dt.timedelta(seconds=2.5 * i))
                for i in part
            ]
            sqlite_bulk_insert(db, records)
            say(f"  loaded {part.stop:>9,} rows ({time.perf_counter() - started:.0f} s)")


def chunks(count: int, size: int) -> Iterator[range]:
    for start in range(0, count, size):
        yield range(start, min(start + size, count))


async def load_traces(dsn: str, problems: Sequence[Problem], rows: int) -> None:
    """Empty the traces table, COPY ``rows`` traces into it, one every 2.5 s of ``created_at``
    up to now, then VACUUM ANALYZE (as autovacuum would after a load this size)."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("TRUNCATE traces CASCADE")
        first = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=2.5 * rows)
        started = time.perf_counter()
        for part in chunks(rows, LOAD_CHUNK):
            records = [
                copy_record(make_payload(problems, i), first + dt.timedelta(seconds=2.5 * i))
                for i in part
            ]
            await conn.copy_records_to_table("traces", records=records, columns=COLUMNS)
            elapsed = time.perf_counter() - started
            say(f"  loaded {part.stop:>9,} rows ({elapsed:.0f} s)")
        await conn.execute("VACUUM ANALYZE traces")
    finally:
        await conn.close()


# --- database and server -----------------------------------------------------------------------


def dsn_for(name: str) -> str:
    return f"{ADMIN_DSN.rsplit('/', 1)[0]}/{name}"


def sqlalchemy_url(dsn: str) -> str:
    """SQLAlchemy's URL for an asyncpg DSN (a SQLite URL is one already)."""
    return dsn.replace("postgresql://", "postgresql+asyncpg://", 1)


def sqlite_path(url: str) -> Path:
    """The file of a ``sqlite+aiosqlite:///PATH`` URL."""
    return Path(url.removeprefix("sqlite+aiosqlite:///"))


@contextlib.asynccontextmanager
async def fresh_sqlite_database(folder: Path) -> AsyncIterator[str]:
    """A new SQLite file in ``folder``, migrated; yields its SQLAlchemy URL (the folder's
    owner removes it)."""
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    await _migrate(url)
    yield url


async def _admin() -> asyncpg.Connection:
    try:
        return await asyncpg.connect(ADMIN_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        raise SystemExit(f"PostgreSQL is unreachable at {ADMIN_DSN}: {exc}") from None


async def _migrate(dsn: str) -> None:
    engine = create_engine(Settings(database_url=sqlalchemy_url(dsn)))
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    """A new, uniquely named database, migrated; yields its asyncpg DSN and drops it after."""
    admin = await _admin()
    name = f"tunix_rt_bench_{uuid.uuid4().hex[:12]}"
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    dsn = dsn_for(name)
    try:
        await _migrate(dsn)
        yield dsn
    finally:
        admin = await _admin()
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
        say(f"dropped database {name}")


@contextlib.asynccontextmanager
async def kept_database(name: str) -> AsyncIterator[str]:
    """The database ``name``, created if missing and migrated; kept afterwards (to measure
    again without loading the rows again)."""
    admin = await _admin()
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    dsn = dsn_for(name)
    await _migrate(dsn)
    yield dsn
    say(f"kept database {name}")


@contextlib.asynccontextmanager
async def running_server(
    dsn: str, env: Mapping[str, str] | None = None, *, quiet: bool = False
) -> AsyncIterator[ServedApp]:
    """``tunix-rt serve`` on a free loopback port against ``dsn`` (``env`` added to its
    environment), with an API key as a deployment would run; stopped after."""
    environment = {"TUNIX_RT_DATABASE_URL": sqlalchemy_url(dsn), **(env or {})}
    try:
        with serve(environment, api_key=secrets.token_urlsafe(24), stop_grace_s=30) as server:
            if not quiet:
                say(f"server: tunix-rt serve on {server.url} (pid {server.pid})")
            yield server
    except RuntimeError as exc:  # did not start
        raise SystemExit(str(exc)) from exc


# --- what processes cost -----------------------------------------------------------------------


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a local process has used, or None if it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


async def _cpu_snapshot(conn: asyncpg.Connection, server_pid: int) -> dict[int, float]:
    """CPU used so far by the server process and every backend connected to this database."""
    backends = await conn.fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
    )
    snapshot: dict[int, float] = {}
    for pid in [server_pid, *(int(row["pid"]) for row in backends)]:
        cpu = process_cpu(pid)
        if cpu is not None:
            snapshot[pid] = cpu
    return snapshot


@dataclass(frozen=True)
class Phase:
    """One timed piece of work: wall seconds, and CPU seconds of the server and of the
    database (None where /proc cannot tell: not Linux, or the database on another machine)."""

    seconds: float
    server_cpu: float | None
    database_cpu: float | None


async def timed(
    conn: asyncpg.Connection | None, server_pid: int, work: Awaitable[T]
) -> tuple[Phase, T]:
    """Await ``work``; its Phase (``conn`` is only used to find the database's backends).

    Without ``conn`` (SQLite: the engine runs inside the server process) only the server's CPU
    is measured, and it includes the database's.
    """
    if conn is None:
        server_before = process_cpu(server_pid)
        started = time.perf_counter()
        result = await work
        seconds = time.perf_counter() - started
        server_after = process_cpu(server_pid)
        server_cpu = (
            None if server_before is None or server_after is None else server_after - server_before
        )
        return Phase(seconds, server_cpu, None), result
    before = await _cpu_snapshot(conn, server_pid)
    started = time.perf_counter()
    result = await work
    seconds = time.perf_counter() - started
    after = await _cpu_snapshot(conn, server_pid)
    if server_pid not in before or len(before) < 2:
        return Phase(seconds, None, None), result
    server = after.get(server_pid, before[server_pid]) - before[server_pid]
    database = sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items() if pid != server_pid)
    return Phase(seconds, server, database), result


def process_memory(pid: int) -> dict[str, int]:
    """``VmRSS`` and ``VmHWM`` (peak resident set) of a local process, in bytes; empty if
    they cannot be read."""
    values: dict[str, int] = {}
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in {"VmRSS", "VmHWM"}:
                values[name] = int(rest.split()[0]) * 1024
    return values


def reset_peak_memory(pid: int) -> bool:
    """Start ``VmHWM`` again from the current resident set (Linux ``clear_refs``, value 5)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def load_note() -> str:
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"


def describe_machine() -> str:
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 1024**2:.0f} GiB memory"
    return f"{os.cpu_count()} CPUs{memory}, {platform.system()} {platform.machine()}"


def run_main(
    parser: argparse.ArgumentParser,
    run: Callable[[argparse.Namespace], Coroutine[Any, Any, None]],
    argv: Sequence[str] | None,
) -> int:
    """A benchmark's entry point: parse, run, and exit 130 (saying so) on Ctrl-C."""
    args = parser.parse_args(argv)
    try:
        asyncio.run(run(args))
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    return 0


def ingest_inputs(
    problems: Sequence[Problem],
    rows: int,
    batch: int,
    record: Callable[[dict[str, Any], dt.datetime], tuple[Any, ...]],
) -> tuple[list[tuple[int, bytes]], list[tuple[Any, ...]]]:
    """``rows`` traces as the API side sends them (JSON bodies of ``batch`` traces, serialised
    before the clock starts) and as the baseline loads them (``record`` of each, same rows)."""
    say(f"building {rows:,} traces ...")
    payloads = [make_payload(problems, i) for i in range(rows)]
    bodies = [
        (len(part), orjson.dumps({"traces": payloads[part.start : part.stop]}))
        for part in chunks(rows, batch)
    ]
    now = dt.datetime.now(dt.UTC)
    return bodies, [record(p, now) for p in payloads]
