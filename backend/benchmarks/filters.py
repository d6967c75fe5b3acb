"""Score filters at scale, on PostgreSQL or with ``--dialect sqlite`` on the embedded default. Not
part of `make test`.

``--rows`` GSM8K-shaped traces are loaded (PostgreSQL: ``COPY``; SQLite: the engine's own bulk
insert, no ``ANALYZE``), with two scores per trace written by one ``INSERT ... SELECT``:
``answer_match`` (1 on 4 traces in 7, else 0) and ``format_exact`` (1 on 90 %). Then,
against the real server (``tunix-rt serve`` in a subprocess, with an API key), ``--repeat``
rounds, medians:

1. Count: ``GET /api/traces/count`` and the first page of ``GET /api/traces`` (limit 50) with
   score filters, each against the same request without them (target: at most 3x).
2. Build: ``POST /api/datasets/build`` (``latest``) of ``--limit`` traces and of every matching
   trace, filtered by ``min_scores`` against unfiltered (target: at most 3x).
3. Export: ``GET /api/datasets/{key}/export.jsonl`` (``tunix_sft``) of the filtered build of every
   match, read to the end, against a bare ``SELECT`` of the same rows in manifest order written
   as JSON lines by this process (target: at least 0.5x its rows/s).
4. Memory: the server's peak resident set while it exports the ``--limit`` build and the build of
   every match, on a fresh server each (target: flat).

Run from ``backend/``::

    ../.venv/bin/python benchmarks/filters.py [--dialect sqlite] [--rows 100000] [--limit 10000]
                                              [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __name__ == "__main__" and not __package__:
    # Run as a script (python benchmarks/filters.py): import `benchmarks` from backend/.
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import asyncpg
import httpx
import orjson

from benchmarks.common import (
    describe_machine,
    fresh_database,
    fresh_sqlite_database,
    load_note,
    load_problems,
    load_sqlite_traces,
    load_traces,
    open_sqlite,
    process_memory,
    reset_peak_memory,
    run_main,
    running_server,
    say,
)
from benchmarks.datasets import export_api, post_build

MB = 1024 * 1024
PAGE_LIMIT = 50
TARGET_FILTER_RATIO = 3.0
TARGET_EXPORT_RATIO = 0.5
SAMPLE_SECONDS = 0.005

# answer_match = 1 on traces whose metadata index is 0 to 3 mod 7 (57 %), independent of the
# metadata split (test: index 3 mod 10); format_exact = 1 except on index 7 mod 10 (90 %). One
# statement each, run by the database itself.
_SCORES = (("answer_match", "% 7 < 4"), ("format_exact", "% 10 <> 7"))
_PG_SCORES = """
INSERT INTO scores (id, trace_id, name, version, value, label, details, source, created_at)
SELECT gen_random_uuid(), id, '{name}', '1',
       CASE WHEN (metadata->>'index')::int {rule} THEN 1.0 ELSE 0.0 END,
       NULL, '{{}}'::jsonb, 'auto', now()
FROM traces
"""
_SQLITE_SCORES = """
INSERT INTO scores (id, trace_id, name, version, value, label, details, source, created_at)
SELECT lower(hex(randomblob(16))), id, '{name}', '1',
       CASE WHEN json_extract(metadata, '$.index') {rule} THEN 1.0 ELSE 0.0 END,
       NULL, '{{}}', 'auto', strftime('%Y-%m-%d %H:%M:%f000', 'now')
FROM traces
"""
# The rows an export reads, in manifest order (member_ids: 16-byte ids, concatenated).
_PG_MEMBERS = """
SELECT t.id, t.prompt, t.steps, t.final_answer, t.reference_answer, t.metadata
FROM (SELECT member_ids, trace_count FROM datasets WHERE dataset_key = $1 OFFSET 0) d
CROSS JOIN LATERAL generate_series(0, d.trace_count - 1) AS g(n)
JOIN traces t ON t.id = encode(substr(d.member_ids, g.n * 16 + 1, 16), 'hex')::uuid
ORDER BY g.n
"""
# SQLite: the members' ids read from the dataset row, their rows fetched a chunk at a time by
# primary key and written in manifest order (a join on substr() of the blob re-reads the blob for
# every member: quadratic).
_SQLITE_MEMBER_IDS = "SELECT member_ids, trace_count FROM datasets WHERE dataset_key = ?"
_SQLITE_CHUNK = 500

COUNT_CASES: tuple[tuple[str, dict[str, str], dict[str, str]], ...] = (
    ("min_score.answer_match=1 (57 %)", {"min_score.answer_match": "1"}, {}),
    ("max_score.answer_match=0 (43 %)", {"max_score.answer_match": "0"}, {}),
    (
        "both scorers = 1 (51 %)",
        {"min_score.answer_match": "1", "min_score.format_exact": "1"},
        {},
    ),
    (
        "metadata.split=test & answer_match=1 (5.7 %)",
        {"metadata.split": "test", "min_score.answer_match": "1"},
        {"metadata.split": "test"},
    ),
)
FILTER = {"min_scores": {"answer_match": 1}}


# --- the database ------------------------------------------------------------------------------


class Database:
    """The benchmark's own database: loading it, and the bare queries the server is held to."""

    def __init__(self, dialect: str, url: str) -> None:
        self.dialect = dialect
        self.url = url

    async def load(self, rows: int) -> None:
        problems = load_problems()
        say(f"loading {rows:,} traces ...")
        if self.dialect == "sqlite":
            await asyncio.to_thread(load_sqlite_traces, self.url, problems, rows)
            await asyncio.to_thread(self._sqlite_scores)
            return
        await load_traces(self.url, problems, rows)
        conn = await asyncpg.connect(self.url)
        try:
            for name, rule in _SCORES:
                await conn.execute(_PG_SCORES.format(name=name, rule=rule))
            await conn.execute("VACUUM ANALYZE scores")
        finally:
            await conn.close()

    def _sqlite_scores(self) -> None:
        with contextlib.closing(open_sqlite(self.url)) as db:
            for name, rule in _SCORES:
                db.execute("BEGIN IMMEDIATE")
                db.execute(_SQLITE_SCORES.format(name=name, rule=rule))
                db.execute("COMMIT")

    async def export_bare(self, key: str) -> tuple[int, int]:
        """The dataset's rows selected in manifest order and written as JSON lines (to memory,
        as the API side reads to memory): (rows, bytes)."""
        if self.dialect == "sqlite":
            return await asyncio.to_thread(self._sqlite_export, key)
        rows = size = 0
        conn = await asyncpg.connect(self.url)
        try:
            async with conn.transaction():
                async for r in conn.cursor(_PG_MEMBERS, key, prefetch=2000):
                    size += len(_line(r)) + 1
                    rows += 1
        finally:
            await conn.close()
        return rows, size

    def _sqlite_export(self, key: str) -> tuple[int, int]:
        rows = size = 0
        with contextlib.closing(open_sqlite(self.url)) as db:
            blob, count = db.execute(_SQLITE_MEMBER_IDS, (key,)).fetchone()
            ids = [blob[16 * n : 16 * n + 16].hex() for n in range(count)]
            for start in range(0, len(ids), _SQLITE_CHUNK):
                chunk = ids[start : start + _SQLITE_CHUNK]
                found = {
                    r[0]: r
                    for r in db.execute(
                        "SELECT id, prompt, steps, final_answer, reference_answer, metadata "
                        f"FROM traces WHERE id IN ({', '.join('?' * len(chunk))})",
                        chunk,
                    )
                }
                for trace_id in chunk:
                    size += len(_line(found[trace_id])) + 1
                    rows += 1
        return rows, size


def _line(row: Sequence[Any]) -> bytes:
    """One JSON line of a selected row (JSON columns arrive as text from both drivers)."""
    return orjson.dumps(
        {
            "id": str(row[0]),
            "prompt": row[1],
            "steps": orjson.loads(row[2]),
            "final_answer": row[3],
            "reference_answer": row[4],
            "metadata": orjson.loads(row[5]),
        }
    )


@contextlib.asynccontextmanager
async def database(dialect: str) -> AsyncIterator[Database]:
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory(prefix="tunix-rt-bench-") as folder:
            async with fresh_sqlite_database(Path(folder)) as url:
                yield Database(dialect, url)
        return
    async with fresh_database() as dsn:
        yield Database(dialect, dsn)


# --- measures ----------------------------------------------------------------------------------


@dataclass
class Pair:
    """Seconds of a filtered request and of the same request unfiltered, round by round."""

    label: str
    matches: int = 0
    total: int = 0
    filtered: list[float] = field(default_factory=list)
    unfiltered: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return statistics.median(f / u for f, u in zip(self.filtered, self.unfiltered, strict=True))


async def _seconds(work: Awaitable[Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = await work
    return time.perf_counter() - started, result


async def _get(http: httpx.AsyncClient, path: str, params: dict[str, str]) -> Any:
    response = await http.get(path, params=params)
    if response.status_code != 200:
        raise SystemExit(f"{path} {params}: {response.status_code} {response.text[:300]}")
    return response.json()


async def measure_counts(http: httpx.AsyncClient, repeat: int) -> list[Pair]:
    pairs: list[Pair] = []
    for label, params, baseline in COUNT_CASES:
        for path, kind in (("/api/traces/count", "count"), ("/api/traces", "first page")):
            extra = {} if kind == "count" else {"limit": str(PAGE_LIMIT)}
            pair = Pair(f"{kind}: {label}")
            for number in range(repeat + 1):  # the first round warms up, untimed
                f, body = await _seconds(_get(http, path, {**params, **extra}))
                u, all_body = await _seconds(_get(http, path, {**baseline, **extra}))
                if kind == "count":
                    pair.matches, pair.total = body["count"], all_body["count"]
                else:
                    pair.matches, pair.total = len(body["items"]), len(all_body["items"])
                if number:
                    pair.filtered.append(f)
                    pair.unfiltered.append(u)
            say(f"  {pair.label:<60} {pair.ratio:5.2f}x")
            pairs.append(pair)
    return pairs


async def measure_builds(
    http: httpx.AsyncClient, limits: Sequence[int], repeat: int, run: str
) -> tuple[list[Pair], dict[int, str]]:
    """Builds filtered and unfiltered at each limit; the keys of the last filtered builds."""
    pairs: list[Pair] = []
    keys: dict[int, str] = {}
    serial = 0
    for limit in limits:
        pair = Pair(f"build, latest, limit {limit:,}")
        for _ in range(repeat):
            for filtered in (True, False):
                serial += 1
                body = {
                    "dataset_name": f"bench-{run}-{serial}",
                    "dataset_version": "v1",
                    "limit": limit,
                    "filters": FILTER if filtered else {},
                }
                seconds, result = await _seconds(post_build(http, body))
                if filtered:
                    pair.filtered.append(seconds)
                    pair.matches = int(result["trace_count"])
                    keys[limit] = str(result["dataset_key"])
                else:
                    pair.unfiltered.append(seconds)
                    pair.total = int(result["trace_count"])
        say(f"  {pair.label:<60} {pair.ratio:5.2f}x ({pair.matches:,} traces)")
        pairs.append(pair)
    return pairs, keys


@dataclass
class ExportResult:
    key: str
    rows: int = 0
    mb: float = 0.0
    api: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return statistics.median(b / a for a, b in zip(self.api, self.bare, strict=True))


async def measure_export(
    http: httpx.AsyncClient, db: Database, key: str, repeat: int
) -> ExportResult:
    result = ExportResult(key)
    for number in range(repeat + 1):  # the first round warms up, untimed
        api_seconds, transfer = await _seconds(export_api(http, key, "tunix_sft"))
        bare_seconds, (rows, _size) = await _seconds(db.export_bare(key))
        if transfer.rows != rows:
            raise SystemExit(f"{key}: the API exported {transfer.rows:,} rows, SELECT {rows:,}")
        result.rows, result.mb = rows, transfer.bytes / MB
        if number:
            result.api.append(api_seconds)
            result.bare.append(bare_seconds)
            say(
                f"  export {rows:,} rows: API {rows / api_seconds:,.0f} rows/s, "
                f"bare SELECT {rows / bare_seconds:,.0f} rows/s"
            )
    return result


async def _peak(pid: int, work: Awaitable[Any]) -> tuple[int, int]:
    baseline = process_memory(pid).get("VmRSS", 0)
    can_reset = reset_peak_memory(pid)
    peak = 0
    task = asyncio.ensure_future(work)
    while not task.done():
        peak = max(peak, process_memory(pid).get("VmRSS", 0))
        await asyncio.wait([task], timeout=SAMPLE_SECONDS)
    await task
    if can_reset:
        peak = max(peak, process_memory(pid).get("VmHWM", 0))
    return baseline, peak


async def measure_memory(url: str, keys: dict[int, str]) -> list[tuple[int, int, int]]:
    """(rows exported, resident set before, peak during) on a fresh server per export."""
    results: list[tuple[int, int, int]] = []
    for limit, key in sorted(keys.items()):
        async with running_server(url, quiet=True) as server, server.client(timeout=900) as http:
            # Warm-up: imports, caches, the pool; the smallest export, so as not to set the peak.
            await export_api(http, keys[min(keys)], "tunix_sft")
            baseline, peak = await _peak(server.pid, export_api(http, key, "tunix_sft"))
            results.append((limit, baseline, peak))
            say(f"  export of the build of limit {limit:,}: +{(peak - baseline) / MB:.1f} MB")
    return results


# --- report ------------------------------------------------------------------------------------


def report(
    dialect: str,
    rows: int,
    counts: Sequence[Pair],
    builds: Sequence[Pair],
    export: ExportResult,
    memory: Sequence[tuple[int, int, int]],
    repeat: int,
) -> None:
    say("")
    say(f"{dialect} at {rows:,} traces (2 scores each), median of {repeat} rounds")
    say("  | request | matches | filtered ms | unfiltered ms | filtered / unfiltered |")
    say("  |---|---:|---:|---:|---:|")
    for pair in [*counts, *builds]:
        say(
            f"  | {pair.label} | {pair.matches:,} of {pair.total:,} | "
            f"{1000 * statistics.median(pair.filtered):,.1f} | "
            f"{1000 * statistics.median(pair.unfiltered):,.1f} | {pair.ratio:.2f} |"
        )
    worst = max(pair.ratio for pair in [*counts, *builds])
    verdict = "meets" if worst <= TARGET_FILTER_RATIO else "MISSES"
    say(
        f"  worst filtered / unfiltered: {worst:.2f} "
        f"({verdict} the target of {TARGET_FILTER_RATIO})"
    )
    api = statistics.median(export.api)
    bare = statistics.median(export.bare)
    say(
        f"  export of {export.rows:,} rows ({export.mb:,.1f} MB, tunix_sft): API "
        f"{export.rows / api:,.0f} rows/s, bare SELECT as JSON lines {export.rows / bare:,.0f} "
        f"rows/s, API / bare {export.ratio:.2f} "
        f"({'meets' if export.ratio >= TARGET_EXPORT_RATIO else 'MISSES'} the target of "
        f"{TARGET_EXPORT_RATIO})"
    )
    for exported, baseline, peak in memory:
        say(
            f"  server memory, export of {exported:,} rows: {baseline / MB:,.0f} MB before, "
            f"peak {peak / MB:,.0f} MB (+{(peak - baseline) / MB:,.1f} MB)"
        )


async def run(args: argparse.Namespace) -> None:
    say(f"machine: {describe_machine()}; {args.dialect}")
    run_id = f"{time.time_ns() % 10**8:08d}"
    async with database(args.dialect) as db:
        if db.dialect == "sqlite":
            say(f"SQLite {sqlite3.sqlite_version} (WAL)")
        await db.load(args.rows)
        async with running_server(db.url) as server, server.client(timeout=1800) as http:
            say(f"counts and first pages ({load_note()})")
            counts = await measure_counts(http, args.repeat)
            say(f"builds ({load_note()})")
            builds, keys = await measure_builds(
                http, sorted({args.limit, args.rows}), args.repeat, run_id
            )
            say(f"export ({load_note()})")
            export = await measure_export(http, db, keys[max(keys)], args.repeat)
        say("memory")
        memory = await measure_memory(db.url, keys)
        report(args.dialect, args.rows, counts, builds, export, memory, args.repeat)
        say(f"({load_note()} at the end)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--dialect", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--rows", type=int, default=100_000, help="traces in the table")
    parser.add_argument("--limit", type=int, default=10_000, help="the smaller build's limit")
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds of each measure")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run_main(build_parser(), run, argv)


if __name__ == "__main__":
    sys.exit(main())
