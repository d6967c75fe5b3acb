"""Dataset build and export benchmark on PostgreSQL (issue 4, "Tests and measures"). Not part of
`make test`; `make bench-datasets` runs it.

``--rows`` GSM8K-shaped traces are loaded with ``COPY`` (metadata ``split`` = ``train`` on 90 %,
``test`` on 10 %; ``group`` = i mod 1000), then against the real server (``tunix-rt serve`` in a
subprocess, with an API key):

1. Build: ``POST /api/datasets/build`` with a metadata filter, strategies ``latest`` and
   ``random`` (seeded), with and without a split, at each ``--sizes`` limit, against the bare SQL
   query that selects the same ids (asyncpg, same filter, ORDER BY and LIMIT; checked to be the
   ids the build chose; the median of three runs), and against that query plus the rows a
   build of those ids must write (the dataset row with its member ids, in a transaction rolled
   back); a build that chooses nothing gives the fixed cost of a build. Median seconds of
   ``--repeat`` rounds and the ratios (target: build / SQL at most 2).
2. Export: ``GET /api/datasets/{key}/export.jsonl`` (``tunix_sft`` and ``trace``) read over
   HTTP to the end, against ``COPY (SELECT … the same rows in manifest order …) TO STDOUT``
   (asyncpg ``copy_from_query``). Rows/s and MB/s of each and the ratio (target: at least 0.5).
3. Memory: the server's resident set (``/proc``: ``VmHWM`` reset before, ``VmRSS`` sampled
   every 5 ms) while it exports and builds each size, on a fresh server each time after a
   warm-up; the peak at the largest size over the peak at the smallest (target: flat).

Run from ``backend/``::

    ../.venv/bin/python benchmarks/datasets.py [--rows 1000000] [--sizes 10000,100000]
                                               [--repeat 3] [--database NAME]

It creates its own database (admin DSN from ``TUNIX_RT_TEST_POSTGRES_DSN``) and drops it at the
end, unless ``--database`` names one to keep (loaded once, reused by later runs).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __name__ == "__main__" and not __package__:
    # Run as a script (python benchmarks/datasets.py): import `benchmarks` from backend/.
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import asyncpg
import httpx
import orjson

from benchmarks.common import (
    Phase,
    describe_machine,
    fresh_database,
    kept_database,
    load_note,
    load_problems,
    load_traces,
    process_memory,
    reset_peak_memory,
    run_main,
    running_server,
    say,
    timed,
)
from tunix_rt_backend.served import ServedApp

SEED = 7
EVAL_FRACTION = 0.1
TARGET_BUILD_RATIO = 2.0
TARGET_EXPORT_RATIO = 0.5
EXPORT_FORMATS = ("tunix_sft", "trace")
SAMPLE_SECONDS = 0.005
MB = 1_000_000


@dataclass(frozen=True)
class Filter:
    label: str
    body: dict[str, Any]

    @property
    def containment(self) -> str:
        """The filter as the jsonb value the service's ``metadata @> …`` compares with."""
        return orjson.dumps(self.body["metadata"]).decode()


TRAIN = Filter("split=train (90 %)", {"metadata": {"split": "train"}})
TEST = Filter("split=test (10 %)", {"metadata": {"split": "test"}})
GROUP = Filter("group=7 (0.1 %)", {"metadata": {"group": 7}})
# A build that chooses nothing: what every build costs whatever it chooses (HTTP and the key,
# the transaction, the manifest and the store's folder fsynced, the commit).
NOTHING = Filter("no match (fixed cost)", {"metadata": {"split": "none"}})

LATEST_SQL = (
    "SELECT id FROM traces WHERE metadata @> $1::jsonb ORDER BY created_at DESC, id DESC LIMIT $2"
)
# The ids a seeded random build chooses: the matches of lowest md5("{seed}:{id}")
# (contracts.keys.random_rank).
RANDOM_SQL = (
    "SELECT id FROM traces WHERE metadata @> $1::jsonb "
    'ORDER BY md5($3::text || id::text) COLLATE "C", id LIMIT $2'
)
# The same database work as a build of those ids: the dataset row with its members.
INSERT_DATASET_SQL = (
    "INSERT INTO datasets (dataset_key, name, version, build_id, dataset_schema_version, "
    "created_at, trace_count, split_counts, stats, request, selection_strategy, checksum, "
    "manifest_path, member_ids, member_splits) VALUES ($1, $1, 'v1', $2, '1', now(), $3, '{}', "
    "'{}', '{}', 'latest', '', '', $4, $5)"
)
# The dataset's rows in manifest order: each member id looked up by the primary key in a nested
# loop over the positions, which yields them in position order. No ORDER BY: PostgreSQL does not
# know the loop's order and would first sort the whole dataset on disk (80 MB for 100,000 records,
# 1.4x the time); the export, which must guarantee the order, sorts each page of 2,000 in memory.
# The ids are read once (substr of the whole value), not from TOAST for each row (1.3x the time).
EXPORT_COPY_SQL = (
    "SELECT t.id, t.prompt, t.steps, t.final_answer, t.reference_answer, t.metadata "
    "FROM (SELECT substr(member_ids, 1, 16 * trace_count) AS ids, trace_count FROM datasets "
    "WHERE dataset_key = '{key}' OFFSET 0) d "
    "CROSS JOIN LATERAL generate_series(0, d.trace_count - 1) AS g(n) "
    "JOIN traces t ON t.id = encode(substr(d.ids, g.n * 16 + 1, 16), 'hex')::uuid"
)


@dataclass(frozen=True)
class BuildCase:
    flt: Filter
    strategy: str
    split: bool
    limit: int

    @property
    def label(self) -> str:
        split = " + split" if self.split else ""
        return f"{self.flt.label}, {self.strategy}{split}, limit {self.limit:,}"

    def request(self, name: str, version: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "dataset_name": name,
            "dataset_version": version,
            "filters": self.flt.body,
            "selection_strategy": self.strategy,
            "limit": self.limit,
        }
        if self.strategy == "random":
            body["seed"] = SEED
        if self.split:
            body["split"] = {"eval_fraction": EVAL_FRACTION}
        return body

    async def bare_sql(self, conn: asyncpg.Connection) -> list[Any]:
        if self.strategy == "latest":
            return list(await conn.fetch(LATEST_SQL, self.flt.containment, self.limit))
        return list(await conn.fetch(RANDOM_SQL, self.flt.containment, self.limit, f"{SEED}:"))

    async def sql_with_writes(self, conn: asyncpg.Connection) -> int:
        """bare_sql, then the rows a build of those ids writes, in a transaction rolled back."""
        transaction = conn.transaction()
        await transaction.start()
        try:
            ids = [row["id"] for row in await self.bare_sql(conn)]
            key = f"bench-sql-{uuid.uuid4().hex[:12]}"
            members = b"".join([i.bytes for i in ids])
            await conn.execute(
                INSERT_DATASET_SQL, key, uuid.uuid4(), len(ids), members, b"t" * len(ids)
            )
        finally:
            await transaction.rollback()
        return len(ids)


def build_cases(sizes: Sequence[int]) -> list[BuildCase]:
    cases = [
        BuildCase(TRAIN, strategy, split, size)
        for size in sizes
        for strategy in ("latest", "random")
        for split in (False, True)
    ]
    largest = max(sizes)
    cases += [
        BuildCase(flt, s, True, largest) for flt in (TEST, GROUP) for s in ("latest", "random")
    ]
    return [*cases, BuildCase(NOTHING, "latest", True, largest)]


@dataclass
class BuildResult:
    case: BuildCase
    records: int = 0
    build: list[Phase] = field(default_factory=list)
    sql: list[Phase] = field(default_factory=list)
    sql_writes: list[Phase] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)

    @property
    def build_seconds(self) -> float:
        return statistics.median(p.seconds for p in self.build)

    @property
    def sql_seconds(self) -> float:
        return statistics.median(p.seconds for p in self.sql)

    @property
    def ratio(self) -> float:
        return statistics.median(
            b.seconds / s.seconds for b, s in zip(self.build, self.sql, strict=True)
        )

    @property
    def sql_writes_seconds(self) -> float:
        return statistics.median(p.seconds for p in self.sql_writes)

    @property
    def writes_ratio(self) -> float:
        return statistics.median(
            b.seconds / s.seconds for b, s in zip(self.build, self.sql_writes, strict=True)
        )


class Names:
    """Unique dataset names for this run (a kept database keeps older runs' datasets)."""

    def __init__(self) -> None:
        self.run = hashlib.blake2b(str(time.time_ns()).encode(), digest_size=3).hexdigest()
        self.count = 0

    def next(self) -> tuple[str, str]:
        self.count += 1
        return f"bench-{self.run}-{self.count}", "v1"


async def post_build(http: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await http.post("/api/datasets/build", json=body)
    if response.status_code != 201:
        raise SystemExit(f"build failed: {response.status_code} {response.text[:500]}")
    result: dict[str, Any] = response.json()
    return result


async def measure_builds(
    server: ServedApp,
    conn: asyncpg.Connection,
    cases: Sequence[BuildCase],
    repeat: int,
    names: Names,
) -> list[BuildResult]:
    results = [BuildResult(case) for case in cases]
    async with server.client(timeout=900) as http:
        for case in cases:  # warm the caches: every case's query once, untimed
            await case.bare_sql(conn)
        for number in range(1, repeat + 1):
            say(f"build round {number} ({load_note()})")
            for result in results:
                case = result.case
                # Untimed: the pages this case reads, after the other cases read theirs. Then
                # the middle one of three runs (a single run now and then took 5-6x its usual
                # time right after the previous case's build).
                await case.bare_sql(conn)
                sql_runs = [await timed(conn, server.pid, case.bare_sql(conn)) for _ in range(3)]
                sql_phase, rows = sorted(sql_runs, key=lambda run: run[0].seconds)[1]
                writes_phase, _ = await timed(conn, server.pid, case.sql_with_writes(conn))
                body = case.request(*names.next())
                build_phase, built = await timed(conn, server.pid, post_build(http, body))
                if built["trace_count"] != len(rows):
                    raise SystemExit(
                        f"{case.label}: the build has {built['trace_count']:,} traces, "
                        f"the SQL query {len(rows):,}"
                    )
                if number == 1:
                    manifest = await http.get(f"/api/datasets/{built['dataset_key']}/manifest.json")
                    if manifest.json()["trace_ids"] != [str(row["id"]) for row in rows]:
                        raise SystemExit(f"{case.label}: the build chose other traces than SQL")
                result.records = len(rows)
                result.build.append(build_phase)
                result.sql.append(sql_phase)
                result.sql_writes.append(writes_phase)
                result.keys.append(built["dataset_key"])
                say(
                    f"  {case.label:<50} build {build_phase.seconds:6.2f} s   "
                    f"SQL {sql_phase.seconds:6.3f} s "
                    f"({build_phase.seconds / sql_phase.seconds:5.1f}x)"
                    f"   SQL + writes {writes_phase.seconds:6.2f} s "
                    f"({build_phase.seconds / writes_phase.seconds:4.1f}x)"
                )
    return results


# --- export ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transfer:
    rows: int
    bytes: int
    digest: str


@dataclass
class ExportResult:
    key: str
    format: str
    size: int
    api: list[tuple[Phase, Transfer]] = field(default_factory=list)
    copy: list[tuple[Phase, Transfer]] = field(default_factory=list)

    @staticmethod
    def _rate(runs: Sequence[tuple[Phase, Transfer]]) -> tuple[float, float]:
        rows = statistics.median(t.rows / p.seconds for p, t in runs)
        mbs = statistics.median(t.bytes / MB / p.seconds for p, t in runs)
        return rows, mbs

    @property
    def api_rate(self) -> tuple[float, float]:
        return self._rate(self.api)

    @property
    def copy_rate(self) -> tuple[float, float]:
        return self._rate(self.copy)

    @property
    def ratio(self) -> float:
        return statistics.median(
            (ta.rows / pa.seconds) / (tc.rows / pc.seconds)
            for (pa, ta), (pc, tc) in zip(self.api, self.copy, strict=True)
        )

    def cpu_per_1k(self, runs: Sequence[tuple[Phase, Transfer]], which: str) -> float | None:
        values: list[float] = []
        for phase, transfer in runs:
            cpu: float | None = getattr(phase, which)
            if cpu is None:
                return None
            values.append(1000 * cpu / transfer.rows)
        return statistics.median(values)


class Counter:
    """Records (lines) and bytes of a stream; its digest too when asked (untimed runs only:
    hashing costs the client CPU that the server and PostgreSQL compete for)."""

    def __init__(self, digest: bool) -> None:
        self.rows = 0
        self.bytes = 0
        self.hash = hashlib.blake2b(digest_size=16) if digest else None

    def add(self, chunk: bytes) -> None:
        self.rows += chunk.count(b"\n")
        self.bytes += len(chunk)
        if self.hash is not None:
            self.hash.update(chunk)

    def result(self) -> Transfer:
        return Transfer(self.rows, self.bytes, self.hash.hexdigest() if self.hash else "")


async def export_api(
    http: httpx.AsyncClient, key: str, fmt: str, *, digest: bool = False
) -> Transfer:
    counter = Counter(digest)
    async with http.stream("GET", f"/api/datasets/{key}/export.jsonl", params={"format": fmt}) as r:
        if r.status_code != 200:
            await r.aread()
            raise SystemExit(f"export failed: {r.status_code} {r.text[:500]}")
        async for chunk in r.aiter_raw():
            counter.add(chunk)
    return counter.result()


async def export_copy(conn: asyncpg.Connection, key: str) -> Transfer:
    counter = Counter(digest=False)

    async def sink(chunk: bytes) -> None:
        counter.add(chunk)

    await conn.copy_from_query(EXPORT_COPY_SQL.format(key=key), output=sink)
    return counter.result()


async def measure_exports(
    server: ServedApp,
    conn: asyncpg.Connection,
    datasets: Sequence[tuple[int, str]],
    repeat: int,
) -> list[ExportResult]:
    results = [ExportResult(key, fmt, size) for size, key in datasets for fmt in EXPORT_FORMATS]
    digests: dict[tuple[str, str], str] = {}
    async with server.client(timeout=900) as http:
        for result in results:  # warm-up, untimed
            await export_copy(conn, result.key)
            first = await export_api(http, result.key, result.format, digest=True)
            digests[result.key, result.format] = first.digest
        for number in range(1, repeat + 1):
            say(f"export round {number} ({load_note()})")
            for result in results:
                api = await timed(conn, server.pid, export_api(http, result.key, result.format))
                copy = await timed(conn, server.pid, export_copy(conn, result.key))
                for _, transfer in (api, copy):
                    if transfer.rows != result.size:
                        raise SystemExit(f"{result.key}: {transfer.rows:,} rows exported")
                result.api.append(api)
                result.copy.append(copy)
                say(
                    f"  {result.format:<9} {result.size:>9,} records: API "
                    f"{result.size / api[0].seconds:>9,.0f} rows/s "
                    f"({api[1].bytes / MB / api[0].seconds:6.1f} MB/s)   COPY "
                    f"{result.size / copy[0].seconds:>9,.0f} rows/s "
                    f"({copy[1].bytes / MB / copy[0].seconds:6.1f} MB/s)"
                )
        for result in results:  # the same bytes after all those rounds
            again = await export_api(http, result.key, result.format, digest=True)
            if again.digest != digests[result.key, result.format]:
                raise SystemExit(f"{result.key} {result.format}: the export changed")
    return results


# --- memory ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemoryResult:
    label: str
    size: int
    baseline: int
    peak: int

    @property
    def growth(self) -> int:
        return self.peak - self.baseline


async def _sample_peak(pid: int, stop: asyncio.Event) -> int:
    peak = 0
    while not stop.is_set():
        peak = max(peak, process_memory(pid).get("VmRSS", 0))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), SAMPLE_SECONDS)
    return peak


async def peak_during(
    dsn: str,
    env: dict[str, str],
    warm_up: Callable[[httpx.AsyncClient], Awaitable[object]],
    work: Callable[[httpx.AsyncClient], Awaitable[object]],
) -> tuple[int, int]:
    """(resident set after the warm-up, its peak during ``work``) of a fresh server."""
    async with running_server(dsn, env, quiet=True) as server, server.client(timeout=900) as http:
        await warm_up(http)
        baseline = process_memory(server.pid).get("VmRSS", 0)
        can_reset = reset_peak_memory(server.pid)
        stop = asyncio.Event()
        sampler = asyncio.create_task(_sample_peak(server.pid, stop))
        try:
            await work(http)
        finally:
            stop.set()
            sampled = await sampler
        peak = process_memory(server.pid).get("VmHWM", 0) if can_reset else 0
        return baseline, max(peak, sampled)


async def measure_memory(
    dsn: str,
    env: dict[str, str],
    exports: Sequence[tuple[int, str]],
    warm_key: str,
    names: Names,
) -> list[MemoryResult]:
    results: list[MemoryResult] = []
    for fmt in EXPORT_FORMATS:
        for size, key in exports:

            async def warm_export(http: httpx.AsyncClient, fmt: str = fmt) -> object:
                return await export_api(http, warm_key, fmt)

            async def export(http: httpx.AsyncClient, key: str = key, fmt: str = fmt) -> object:
                return await export_api(http, key, fmt)

            base, peak = await peak_during(dsn, env, warm_export, export)
            results.append(MemoryResult(f"export {fmt}", size, base, peak))
            say(f"  export {fmt:<9} {size:>9,}: {base / 2**20:6.1f} → {peak / 2**20:6.1f} MiB")
    for strategy in ("latest", "random"):
        for size, _ in exports:
            case = BuildCase(TRAIN, strategy, True, size)
            warm_case = BuildCase(TRAIN, strategy, True, 1_000)

            async def warm_build(http: httpx.AsyncClient, warm: BuildCase = warm_case) -> object:
                return await post_build(http, warm.request(*names.next()))

            async def build(http: httpx.AsyncClient, case: BuildCase = case) -> object:
                return await post_build(http, case.request(*names.next()))

            base, peak = await peak_during(dsn, env, warm_build, build)
            label = f"build {strategy} + split"
            results.append(MemoryResult(label, size, base, peak))
            say(f"  {label:<16} {size:>9,}: {base / 2**20:6.1f} → {peak / 2**20:6.1f} MiB")
    return results


# --- trace delete ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeleteResult:
    datasets: int
    members: int
    seconds: list[float]


async def measure_deletes(server: ServedApp, conn: asyncpg.Connection, repeat: int) -> DeleteResult:
    """DELETE /api/traces/{id} of a trace in no dataset, with every dataset so far stored: the
    delete searches all their member ids for it. The trace is stored just before (untimed)."""
    datasets, members = await conn.fetchrow(
        "SELECT count(*), coalesce(sum(trace_count), 0) FROM datasets"
    )
    seconds: list[float] = []
    async with server.client(timeout=900) as http:
        for number in range(max(repeat, 5)):
            trace = {
                "prompt": f"bench delete {uuid.uuid4()}",
                "steps": [{"type": "reasoning", "content": "1 + 1 = 2"}],
                "final_answer": "2",
                "source": "bench",
            }
            created = await http.post("/api/traces", json=trace)
            if created.status_code != 201:
                raise SystemExit(f"storing a trace failed: {created.status_code} {created.text}")
            started = time.perf_counter()
            deleted = await http.delete(f"/api/traces/{created.json()['id']}")
            elapsed = time.perf_counter() - started
            if deleted.status_code != 204:
                raise SystemExit(f"delete failed: {deleted.status_code} {deleted.text}")
            if number:  # the first one warms up
                seconds.append(elapsed)
    return DeleteResult(int(datasets), int(members), seconds)


# --- report ------------------------------------------------------------------------------------


def _cpu(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def report_builds(results: Sequence[BuildResult], rows: int, repeat: int) -> None:
    say("")
    say(
        f"POST /api/datasets/build over {rows:,} traces against the bare SQL selecting the same "
        f"ids (asyncpg fetch); median of {repeat} round(s)"
    )
    fixed = next((r for r in results if r.case.flt == NOTHING), None)
    chosen = [r for r in results if r.case.flt != NOTHING]
    fixed_seconds = fixed.build_seconds if fixed else 0.0
    say(
        "| case | records | build ms | SQL ms | build / SQL | SQL + writes ms | build / "
        "(SQL + writes) | (build - fixed) / SQL | build: server CPU ms | db CPU ms |"
    )
    say("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in chosen:
        server = statistics.median(p.server_cpu or 0.0 for p in r.build)
        database = statistics.median(p.database_cpu or 0.0 for p in r.build)
        net = (r.build_seconds - fixed_seconds) / r.sql_seconds
        say(
            f"| {r.case.label} | {r.records:,} | {r.build_seconds * 1000:.1f} | "
            f"{r.sql_seconds * 1000:.1f} | {r.ratio:.1f} | {r.sql_writes_seconds * 1000:.1f} | "
            f"{r.writes_ratio:.1f} | {net:.1f} | {server * 1000:.0f} | {database * 1000:.0f} |"
        )
    if fixed:
        say(
            f"fixed cost: a build that chooses no trace takes {fixed_seconds * 1000:.1f} ms "
            f"(its bare SQL {fixed.sql_seconds * 1000:.2f} ms)"
        )
    for label, ratios in (
        ("build / SQL", [r.ratio for r in chosen]),
        ("build / (SQL + writes)", [r.writes_ratio for r in chosen]),
    ):
        worst = max(ratios)
        verdict = "meets" if worst <= TARGET_BUILD_RATIO else "MISSES"
        say(f"worst {label}: {worst:.2f} ({verdict} the target of ≤ {TARGET_BUILD_RATIO:.0f}x)")


def report_exports(results: Sequence[ExportResult], repeat: int) -> None:
    say("")
    say(
        "GET /api/datasets/{key}/export.jsonl over HTTP against COPY (SELECT … the same rows in "
        f"manifest order) TO STDOUT; median of {repeat} round(s); CPU s per 1,000 rows"
    )
    say(
        "| format | records | API rows/s | API MB/s | COPY rows/s | COPY MB/s | API / COPY "
        "| API server CPU | API db CPU | COPY db CPU |"
    )
    say("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        api_rows, api_mb = r.api_rate
        copy_rows, copy_mb = r.copy_rate
        say(
            f"| {r.format} | {r.size:,} | {api_rows:,.0f} | {api_mb:.1f} | {copy_rows:,.0f} | "
            f"{copy_mb:.1f} | {r.ratio:.2f} | {_cpu(r.cpu_per_1k(r.api, 'server_cpu'))} | "
            f"{_cpu(r.cpu_per_1k(r.api, 'database_cpu'))} | "
            f"{_cpu(r.cpu_per_1k(r.copy, 'database_cpu'))} |"
        )
    worst = min(r.ratio for r in results)
    verdict = "meets" if worst >= TARGET_EXPORT_RATIO else "MISSES"
    say(f"worst API / COPY: {worst:.2f} ({verdict} the target of ≥ {TARGET_EXPORT_RATIO})")


def report_memory(results: Sequence[MemoryResult]) -> None:
    say("")
    say("Server resident set (MiB): after a warm-up, and its peak during the request")
    say("| request | records | before | peak | growth |")
    say("|---|---:|---:|---:|---:|")
    for r in results:
        say(
            f"| {r.label} | {r.size:,} | {r.baseline / 2**20:.1f} | {r.peak / 2**20:.1f} | "
            f"{r.growth / 2**20:.1f} |"
        )
    labels = dict.fromkeys(r.label for r in results)
    for label in labels:
        same = sorted((r for r in results if r.label == label), key=lambda r: r.size)
        small, large = same[0], same[-1]
        say(
            f"{label}: peak at {large.size:,} / peak at {small.size:,} = "
            f"{large.peak / small.peak:.2f} (growth {small.growth / 2**20:.1f} → "
            f"{large.growth / 2**20:.1f} MiB)"
        )


# --- run ---------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def database(name: str | None) -> AsyncIterator[str]:
    if name is None:
        async with fresh_database() as dsn:
            yield dsn
    else:
        async with kept_database(name) as dsn:
            yield dsn


async def ensure_loaded(dsn: str, rows: int) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        # Datasets of earlier runs (in a kept database) would only slow the joins down.
        await conn.execute("TRUNCATE datasets")
        stored = int(await conn.fetchval("SELECT count(*) FROM traces"))
        say(f"PostgreSQL {await conn.fetchval('SHOW server_version')}; {stored:,} traces stored")
    finally:
        await conn.close()
    if stored != rows:
        say(f"loading {rows:,} traces with COPY ...")
        await load_traces(dsn, load_problems(), rows)


async def run(args: argparse.Namespace) -> None:
    sizes: list[int] = args.sizes
    say(f"machine: {describe_machine()}; {load_note()}")
    names = Names()
    async with database(args.database) as dsn:
        await ensure_loaded(dsn, args.rows)
        with tempfile.TemporaryDirectory(prefix="tunix-rt-bench-datasets-") as store:
            env = {"TUNIX_RT_DATASETS_DIR": store}
            conn = await asyncpg.connect(dsn)
            # Each query planned for its values, as the service does (a generic plan after five
            # runs of a prepared statement cannot tell a 90 % filter from a 0.1 % one).
            await conn.execute("SET plan_cache_mode = force_custom_plan")
            try:
                async with running_server(dsn, env) as server:
                    builds = await measure_builds(
                        server, conn, build_cases(sizes), args.repeat, names
                    )
                    if args.builds_only:
                        report_builds(builds, args.rows, args.repeat)
                        return
                    # The exports read the `latest + split` datasets of each size.
                    targets = [
                        (r.records, r.keys[0])
                        for r in builds
                        if r.case.flt == TRAIN and r.case.strategy == "latest" and r.case.split
                    ]
                    warm = BuildCase(TRAIN, "latest", False, 1_000)
                    async with server.client(timeout=900) as http:
                        warm_key = (await post_build(http, warm.request(*names.next())))[
                            "dataset_key"
                        ]
                    exports = await measure_exports(server, conn, targets, args.repeat)
                    deletes = await measure_deletes(server, conn, args.repeat)
            finally:
                await conn.close()
            say(f"memory, a fresh server for each request ({load_note()})")
            memory = await measure_memory(dsn, env, targets, warm_key, names)
    report_builds(builds, args.rows, args.repeat)
    report_exports(exports, args.repeat)
    report_memory(memory)
    say("")
    median_ms = statistics.median(deletes.seconds) * 1000
    say(
        f"DELETE /api/traces/{{id}} of a trace in no dataset, {deletes.datasets} datasets holding "
        f"{deletes.members:,} members stored: median {median_ms:.1f} ms, max "
        f"{max(deletes.seconds) * 1000:.1f} ms ({len(deletes.seconds)} deletes)"
    )
    say(f"({load_note()} at the end)")


def _sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part.replace("_", "")) for part in text.split(",")})
    except ValueError:
        raise argparse.ArgumentTypeError("sizes are integers, e.g. 10000,100000") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes are positive")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000, help="traces in the table")
    parser.add_argument(
        "--sizes", type=_sizes, default=[10_000, 100_000], help="dataset limits, comma-separated"
    )
    parser.add_argument("--repeat", type=int, default=3, help="rounds of builds and of exports")
    parser.add_argument(
        "--database", metavar="NAME", help="use (create, load once and keep) this database"
    )
    parser.add_argument(
        "--builds-only", action="store_true", help="measure the builds alone (no exports etc.)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(build_parser(), run, argv)


if __name__ == "__main__":
    sys.exit(main())
