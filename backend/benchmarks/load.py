"""Load: 50 concurrent clients mix ingest, list, get and export against a real server on
PostgreSQL (or with ``--dialect sqlite`` the embedded default) for 60 s. Not part of
`make test`; `make load` runs it.

A fresh database (PostgreSQL: admin DSN from ``TUNIX_RT_TEST_POSTGRES_DSN``, dropped at the
end; SQLite: a new file in a temporary folder) and
``tunix-rt serve`` in a subprocess, with an API key as a deployment would run it. Before the
clock starts: ``--seed-traces`` GSM8K traces are ingested and a dataset of ``--dataset-size``
of them is built with a train/eval split. Then every client loops, with no think time, over
a weighted mix of

- ``ingest``: ``POST /api/traces/batch`` of ``--batch`` new traces (an Idempotency-Key each),
- ``list``:   ``GET /api/traces`` (limit 50): the first page, a source or tag filter, or the
  page after a cursor handed out earlier,
- ``get``:    ``GET /api/traces/{id}`` of a stored trace (seeded or ingested during the run),
- ``export``: ``GET /api/datasets/{key}/export.jsonl?format=tunix_sft``, read to the end.

An error is any answer other than the expected status (201 for ingest, 200 otherwise), a
transport failure or a timeout. Latency is the client's: from sending the request to having
read the whole body. At the end every acknowledged trace must be stored (the count is
checked), and the table is printed: requests, errors, p50/p95/p99 per endpoint, throughput.

Run from ``backend/``::

    ../.venv/bin/python -m benchmarks.load [--dialect sqlite] [--clients 50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import platform
import random
import resource
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson

if __name__ == "__main__" and not __package__:
    # Run as a script (python benchmarks/load.py): import `benchmarks` from backend/.
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from benchmarks.common import (
    Problem,
    fresh_database,
    fresh_sqlite_database,
    load_problems,
    problem_fields,
    process_cpu,
    running_server,
    say,
    sqlite_path,
)
from tunix_rt_backend.served import ServedApp

ENDPOINTS = ("ingest", "list", "get", "export")
DEFAULT_MIX = "ingest=15,list=30,get=45,export=10"
DATASET = "load-v1"


# --- traces ------------------------------------------------------------------------------------


def trace_body(problems: Sequence[Problem], serial: str, i: int) -> dict[str, Any]:
    """A GSM8K trace made distinct by ``serial`` (who wrote it) and ``i``."""
    return {
        **problem_fields(problems[i % len(problems)]),
        "source": "gsm8k" if i % 10 else "load",
        "tags": ["math", f"bucket-{i % 20}"],
        "metadata": {"writer": serial, "index": i, "row": i % len(problems)},
    }


# --- the load ----------------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Shared:
    """What the clients learn from each other: stored ids and cursors to follow."""

    problems: list[Problem]
    ids: list[str]
    batch_size: int
    cursors: list[str] = field(default_factory=list)
    acknowledged: int = 0
    tallies: dict[str, Tally] = field(default_factory=lambda: {e: Tally() for e in ENDPOINTS})


def parse_mix(text: str) -> dict[str, int]:
    mix: dict[str, int] = {}
    for part in text.split(","):
        name, _, weight = part.partition("=")
        if name.strip() not in ENDPOINTS or not weight.strip().isdigit():
            raise SystemExit(f"--mix: expected NAME=WEIGHT with NAME in {ENDPOINTS}, got {part!r}")
        mix[name.strip()] = int(weight)
    return mix


async def one_request(
    http: httpx.AsyncClient, shared: Shared, endpoint: str, rng: random.Random, serial: str
) -> None:
    """Send one request of ``endpoint``; record its latency or its error."""
    expected = 200
    body: bytes | None = None
    headers: dict[str, str] = {}
    method = "GET"
    params: list[tuple[str, str | int | float | bool | None]] = []
    if endpoint == "ingest":
        method, path, expected = "POST", "/api/traces/batch", 201
        count = shared.batch_size
        payload = {"traces": [trace_body(shared.problems, serial, i) for i in range(count)]}
        body = orjson.dumps(payload)
        headers = {"Content-Type": "application/json", "Idempotency-Key": uuid.uuid4().hex}
    elif endpoint == "list":
        path = "/api/traces"
        params = [("limit", 50)]
        choice = rng.random()
        if choice < 0.25 and shared.cursors:
            params.append(("cursor", rng.choice(shared.cursors)))
        elif choice < 0.5:
            params.append(("source", "load"))
        elif choice < 0.75:
            params.append(("tag", f"bucket-{rng.randrange(20)}"))
    elif endpoint == "get":
        path = f"/api/traces/{rng.choice(shared.ids)}"
    else:
        path = f"/api/datasets/{DATASET}/export.jsonl"
        params = [("format", "tunix_sft"), ("split", rng.choice(["train", "eval"]))]

    tally = shared.tallies[endpoint]
    started = time.perf_counter()
    try:
        response = await http.request(method, path, content=body, headers=headers, params=params)
        elapsed = time.perf_counter() - started
    except httpx.HTTPError as exc:
        tally.errors.append(f"{type(exc).__name__}: {exc}")
        return
    if response.status_code != expected:
        tally.errors.append(f"{response.status_code}: {response.text[:200]}")
        return
    tally.latencies.append(elapsed)
    if endpoint == "ingest":
        ids = orjson.loads(response.content)["ids"]
        shared.ids.extend(ids)
        shared.acknowledged += len(ids)
    elif endpoint == "list":
        cursor = orjson.loads(response.content).get("next_cursor")
        if cursor and len(shared.cursors) < 1000:
            shared.cursors.append(cursor)


async def client_loop(
    number: int,
    server: ServedApp,
    shared: Shared,
    mix: dict[str, int],
    until: float,
    think_s: float,
) -> None:
    rng = random.Random(number)
    names, weights = list(mix), list(mix.values())
    sent = 0
    # One connection per client, as 50 separate notebooks or scripts would hold.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with server.client(timeout=60, limits=limits) as http:
        while time.monotonic() < until:
            endpoint = rng.choices(names, weights)[0]
            await one_request(http, shared, endpoint, rng, f"client-{number}-{sent}")
            sent += 1
            if think_s:
                await asyncio.sleep(rng.expovariate(1 / think_s))


async def seed(server: ServedApp, shared: Shared, traces: int, dataset_size: int) -> None:
    async with server.client(timeout=600) as http:
        for start in range(0, traces, 5_000):
            count = min(5_000, traces - start)
            bodies = [trace_body(shared.problems, "seed", start + i) for i in range(count)]
            response = await http.post("/api/traces/batch", json={"traces": bodies})
            if response.status_code != 201:
                raise SystemExit(f"seeding failed: {response.status_code} {response.text[:300]}")
            shared.ids.extend(response.json()["ids"])
        shared.acknowledged = len(shared.ids)
        build = {
            "dataset_name": "load",
            "dataset_version": "v1",
            "limit": dataset_size,
            "selection_strategy": "random",
            "seed": 7,
            "dedup": True,
            "split": {"eval_fraction": 0.1},
        }
        response = await http.post("/api/datasets/build", json=build)
        if response.status_code != 201:
            raise SystemExit(f"dataset build failed: {response.status_code} {response.text}")
        result = response.json()
        say(f"seeded {traces:,} traces; dataset {DATASET}: {result['split_counts']}")


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of values sorted ascending."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def report(shared: Shared, seconds: float, args: argparse.Namespace) -> dict[str, Any]:
    rows: dict[str, Any] = {}
    for endpoint in ENDPOINTS:
        tally = shared.tallies[endpoint]
        values = sorted(tally.latencies)
        rows[endpoint] = {
            "requests": len(values) + len(tally.errors),
            "errors": len(tally.errors),
            "per_second": round(len(values) / seconds, 1),
            "p50_ms": round(percentile(values, 50) * 1000, 1),
            "p95_ms": round(percentile(values, 95) * 1000, 1),
            "p99_ms": round(percentile(values, 99) * 1000, 1),
            "max_ms": round(values[-1] * 1000, 1) if values else math.nan,
            "first_errors": tally.errors[:5],
        }
    total = sum(r["requests"] for r in rows.values())
    errors = sum(r["errors"] for r in rows.values())
    say("")
    say(
        f"{args.clients} clients, {seconds:.0f} s, mix {args.mix}, batch {args.batch}, "
        f"think {args.think_ms} ms; {total:,} requests ({total / seconds:,.0f}/s), "
        f"{errors} errors"
    )
    say("")
    say("| endpoint | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |")
    say("|---|---:|---:|---:|---:|---:|---:|---:|")
    for endpoint, r in rows.items():
        say(
            f"| {endpoint} | {r['requests']:,} | {r['errors']} | {r['per_second']:,} | "
            f"{r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['max_ms']} |"
        )
    for endpoint, r in rows.items():
        for error in r["first_errors"]:
            say(f"  {endpoint} error: {error}")
    return {
        "clients": args.clients,
        "seconds": round(seconds, 1),
        "mix": args.mix,
        "batch": args.batch,
        "think_ms": args.think_ms,
        "requests": total,
        "errors": errors,
        "endpoints": rows,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_after": os.getloadavg(),
        },
    }


def cpu_of(pid: int) -> float:
    """CPU seconds a local process has used; 0 if it cannot be read (e.g. already gone)."""
    return process_cpu(pid) or 0.0


def machine_busy() -> float:
    """CPU seconds every process on the machine has used since boot (not idle, not iowait)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


class DatabaseCpu:
    """CPU of this database's backends over the run, sampled: the server's pool opens and
    closes overflow connections under load, and a backend's count leaves with it."""

    def __init__(self, dsn: str | None) -> None:
        self.dsn = dsn
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}

    async def sample(self, conn: asyncpg.Connection, *, baseline: bool = False) -> None:
        rows = await conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        for row in rows:
            pid = int(row["pid"])
            cpu = cpu_of(pid)
            # A backend first seen during the run started during it: all of its CPU counts.
            self.first.setdefault(pid, cpu if baseline else 0.0)
            self.last[pid] = max(cpu, self.last.get(pid, 0.0))

    async def watch(self, until: float) -> None:
        if self.dsn is None:  # no database process of its own
            return
        conn = await asyncpg.connect(self.dsn, timeout=10)
        try:
            await self.sample(conn, baseline=True)
            while time.monotonic() < until:
                await asyncio.sleep(0.2)
                await self.sample(conn)
        finally:
            await conn.close()

    def seconds(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def cpu_report(
    server: float, database: float, generator: float, machine: float, elapsed: float
) -> dict[str, float]:
    return {
        "capacity": round(elapsed * (os.cpu_count() or 1), 1),
        "server": round(server, 1),
        "database": round(database, 1),
        "generator": round(generator, 1),
        "other": round(max(0.0, machine - server - database - generator), 1),
    }


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def count_traces(dsn: str) -> int:
    if dsn.startswith("sqlite"):
        with contextlib.closing(sqlite3.connect(sqlite_path(dsn))) as db:
            return int(db.execute("SELECT count(*) FROM traces").fetchone()[0])
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM traces"))
    finally:
        await conn.close()


async def main_async(args: argparse.Namespace) -> int:
    mix = parse_mix(args.mix)
    problems = load_problems()
    with tempfile.TemporaryDirectory(prefix="tunix-rt-load-") as folder:
        database = (
            fresh_sqlite_database(Path(folder)) if args.dialect == "sqlite" else fresh_database()
        )
        async with (
            database as dsn,
            running_server(dsn, {"TUNIX_RT_DATASETS_DIR": folder}) as server,
        ):
            shared = Shared(problems=problems, ids=[], batch_size=args.batch)
            await seed(server, shared, args.seed_traces, args.dataset_size)
            say(
                f"load: {args.clients} clients for {args.seconds} s, load average "
                f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
            )
            pid = server.process.pid
            cpu_before = (cpu_of(pid), own_cpu(), machine_busy())
            started = time.monotonic()
            until = started + args.seconds
            # SQLite runs inside the server process: its CPU is the server's.
            database_cpu = DatabaseCpu(dsn if args.dialect == "postgresql" else None)
            await asyncio.gather(
                database_cpu.watch(until),
                *(
                    client_loop(n, server, shared, mix, until, args.think_ms / 1000)
                    for n in range(args.clients)
                ),
            )
            elapsed = time.monotonic() - started
            cpu_after = (cpu_of(pid), own_cpu(), machine_busy())
            result = report(shared, elapsed, args)
            used = [after - before for before, after in zip(cpu_before, cpu_after, strict=True)]
            result["cpu_seconds"] = cpu = cpu_report(
                used[0], database_cpu.seconds(), used[1], used[2], elapsed
            )
            say(
                f"CPU seconds over the run ({cpu['capacity']:.0f} available): server "
                f"{cpu['server']:.1f}, {args.dialect} {cpu['database']:.1f}, load generator "
                f"{cpu['generator']:.1f}, other processes {cpu['other']:.1f}"
            )
            stored = await count_traces(dsn)
            result["traces_acknowledged"] = shared.acknowledged
            result["traces_stored"] = stored
            say(f"traces acknowledged {shared.acknowledged:,}, stored {stored:,}")
            if result["errors"]:
                say(f"server log (tail):\n{server.log_tail()}")
            if not server.alive():
                say(f"the server died:\n{server.log_tail()}")
                return 1
    if args.json:
        args.json.write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))
    lost = result["traces_stored"] != result["traces_acknowledged"]
    return 1 if result["errors"] or lost else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--dialect", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--mix", default=DEFAULT_MIX, help=f"weights (default {DEFAULT_MIX})")
    parser.add_argument("--batch", type=int, default=100, help="traces per ingest request")
    parser.add_argument("--think-ms", type=float, default=0.0, help="mean pause between requests")
    parser.add_argument("--seed-traces", type=int, default=20_000)
    parser.add_argument("--dataset-size", type=int, default=1_000)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    return asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
