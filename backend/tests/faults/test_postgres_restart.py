"""PostgreSQL restarts and stops while clients stream batch ingests with Idempotency-Key retries.

A real `tunix-rt serve` against a private cluster; writers are threads using the typed client
(`Client.create_traces`: one Idempotency-Key per batch, retried on 503). The database is
restarted (fast: in-flight queries are cut, pooled connections go stale), then stopped
immediately (a crash: recovery from the WAL) and held down while the API is probed, then
started. Afterwards every acknowledged trace is stored exactly once, and the server that lived
through it all is the one that started.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import pytest
from httpx import ASGITransport, AsyncClient

from tests.faults.processes import Cluster, private_cluster, tunix_rt_server
from tunix_rt_backend.app import create_app
from tunix_rt_backend.client import Client, trace_payload
from tunix_rt_backend.served import ServedApp
from tunix_rt_backend.settings import Settings

# A private PostgreSQL cluster restarted under a real server.
pytestmark = pytest.mark.slow

WRITERS = 4
BATCH = 100
BATCHES_PER_PHASE = 12
DOWN_S = 3.0
PHASE_TIMEOUT_S = 90.0
SOURCE = "fault-restart"


@dataclass
class Answer:
    at: float
    status: int
    retry_after: str | None
    code: str | None


class RecordingTransport(httpx.HTTPTransport):
    """Keeps every answer the client receives, the ones it retries included."""

    def __init__(self, answers: list[Answer]) -> None:
        super().__init__()
        self.answers = answers

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        code = None
        if response.status_code >= 400:
            response.read()
            with contextlib.suppress(ValueError, KeyError, TypeError):
                code = response.json()["error"]["code"]
        retry_after = response.headers.get("retry-after")
        self.answers.append(Answer(time.monotonic(), response.status_code, retry_after, code))
        return response


@dataclass
class Ledger:
    """What the writers were told: acknowledged batches, in order, with their ids."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    batches: list[tuple[int, int, list[uuid.UUID]]] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def acknowledged(self) -> int:
        with self.lock:
            return len(self.batches)

    def wait_for(self, count: int, server: ServedApp) -> None:
        deadline = time.monotonic() + PHASE_TIMEOUT_S
        while self.acknowledged() < count:
            assert not self.errors, f"{self.errors}\nserver log:\n{server.log_tail()}"
            assert time.monotonic() < deadline, f"{self.acknowledged()} of {count} batches"
            time.sleep(0.02)


def _body(writer: int, batch: int, item: int) -> dict[str, object]:
    a, b = writer * 1000 + batch, item
    return trace_payload(
        prompt=f"Writer {writer}, batch {batch}, item {item}: what is {a} + {b}?",
        steps=[f"{a} + {b} = {a + b}"],
        final_answer=str(a + b),
        reference_answer=str(a + b),
        source=SOURCE,
        metadata={"writer": writer, "batch": batch, "item": item},
    )


def _write(writer: int, url: str, ledger: Ledger) -> None:
    answers: list[Answer] = []
    try:
        # Six retries (about 31 s of back-off) outlast the outage with room for a slow machine
        # restarting PostgreSQL; the default three (7 s) are for blips.
        with Client(url, retries=6, transport=RecordingTransport(answers)) as api:
            batch = 0
            while not ledger.stop.is_set():
                bodies = [_body(writer, batch, item) for item in range(BATCH)]
                ids = api.create_traces(bodies, batch_size=BATCH)
                with ledger.lock:
                    ledger.batches.append((writer, batch, ids))
                batch += 1
    except Exception as exc:  # a writer giving up is the failure this test looks for
        with ledger.lock:
            ledger.errors.append(f"writer {writer}: {type(exc).__name__}: {exc}")
    finally:
        with ledger.lock:
            ledger.answers.extend(answers)


@contextlib.contextmanager
def writing(url: str, ledger: Ledger) -> Iterator[None]:
    threads = [
        threading.Thread(target=_write, args=(n, url, ledger), daemon=True) for n in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        ledger.stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert not any(t.is_alive() for t in threads), "a writer did not finish"


async def _create_database(cluster: Cluster, name: str) -> None:
    admin = await asyncpg.connect(cluster.admin_dsn, timeout=10)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def _stored(cluster: Cluster, name: str) -> tuple[list[asyncpg.Record], int]:
    conn = await asyncpg.connect(cluster.admin_dsn.rsplit("/", 1)[0] + f"/{name}", timeout=10)
    try:
        rows = await conn.fetch(
            "SELECT id, content_hash, (metadata->>'writer')::int AS writer, "
            "(metadata->>'batch')::int AS batch, (metadata->>'item')::int AS item FROM traces"
        )
        keys = int(await conn.fetchval("SELECT count(*) FROM idempotency_keys"))
    finally:
        await conn.close()
    return rows, keys


def _probe_while_down(server: ServedApp) -> None:
    """Every kind of request answers 503 with Retry-After while the database is down."""
    with httpx.Client(base_url=server.url, timeout=30) as http:
        health = http.get("/api/health")
        assert health.status_code == 503, health.text
        assert health.headers["retry-after"]
        assert health.json()["database"]["status"] == "unavailable"
        for response in (
            http.get("/api/traces"),
            http.get("/api/traces/count"),
            http.get(f"/api/traces/{uuid.uuid4()}"),
            http.post("/api/traces/batch", json={"traces": [_body(99, 0, 0)]}),
            http.get("/api/datasets"),
            http.get("/api/runs"),
        ):
            assert response.status_code == 503, (response.request.url, response.text)
            assert int(response.headers["retry-after"]) > 0
            assert response.json()["error"]["code"] == "database_unavailable"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with private_cluster() as running:
        yield running


def test_acknowledged_traces_survive_restarts_exactly_once(
    cluster: Cluster, tmp_path: Path
) -> None:
    database = "tunix_rt_faults"
    asyncio.run(_create_database(cluster, database))
    env = {
        "TUNIX_RT_DATABASE_URL": cluster.url(database),
        "TUNIX_RT_DATASETS_DIR": str(tmp_path / "datasets"),
    }
    with tunix_rt_server(env, tmp_path) as server:
        pid = server.process.pid
        ledger = Ledger()
        windows: dict[str, tuple[float, float]] = {}
        with writing(server.url, ledger):
            ledger.wait_for(BATCHES_PER_PHASE, server)

            # Fast restart: in-flight queries are terminated, pooled connections go stale.
            started = time.monotonic()
            before = ledger.acknowledged()
            cluster.restart("fast")
            windows["restart"] = (started, time.monotonic())
            ledger.wait_for(before + BATCHES_PER_PHASE, server)

            # Immediate stop (no shutdown checkpoint: recovery replays the WAL), held down.
            started = time.monotonic()
            cluster.stop("immediate")
            _probe_while_down(server)
            time.sleep(max(0.0, DOWN_S - (time.monotonic() - started)))
            before = ledger.acknowledged()
            cluster.start()
            windows["down"] = (started, time.monotonic())
            ledger.wait_for(before + BATCHES_PER_PHASE, server)

        assert not ledger.errors, f"{ledger.errors}\nserver log:\n{server.log_tail()}"
        assert "Traceback" not in server.log_path.read_text(), server.log_tail()
        # Recovered without a restart of tunix-rt.
        assert server.alive()
        assert server.process.pid == pid
        with httpx.Client(base_url=server.url, timeout=30) as http:
            assert http.get("/api/health").json()["database"]["status"] == "ok"
            counted = http.get("/api/traces/count", params={"source": SOURCE}).json()["count"]

    rows, idempotency_keys = asyncio.run(_stored(cluster, database))

    acknowledged = [trace_id for _, _, ids in ledger.batches for trace_id in ids]
    assert len(acknowledged) == len(ledger.batches) * BATCH
    # Each id was given to one trace only, and every one of them is stored, once.
    assert len(set(acknowledged)) == len(acknowledged)
    stored_ids = [row["id"] for row in rows]
    assert len(stored_ids) == len(set(stored_ids))
    assert set(stored_ids) == set(acknowledged)
    assert len(rows) == len(acknowledged) == counted
    assert len({row["content_hash"] for row in rows}) == len(rows)
    # Ids came back in input order, each naming the trace it was sent for.
    where = {row["id"]: (row["writer"], row["batch"], row["item"]) for row in rows}
    for writer, batch, ids in ledger.batches:
        assert [where[i] for i in ids] == [(writer, batch, item) for item in range(BATCH)]
    # One stored Idempotency-Key per acknowledged batch: no retry was stored twice.
    assert idempotency_keys == len(ledger.batches)

    failures = [a for a in ledger.answers if a.status >= 400]
    assert all(a.status == 503 for a in failures), {(a.status, a.code) for a in failures}
    assert all(a.code == "database_unavailable" and a.retry_after for a in failures)
    # The writers were cut off while the database was down, and came through it.
    down_from, down_to = windows["down"]
    assert any(down_from <= a.at <= down_to for a in failures)
    in_restart = sum(1 for a in failures if windows["restart"][0] <= a.at <= windows["restart"][1])
    print(
        f"{len(ledger.batches)} batches ({len(rows)} traces) acknowledged and stored once; "
        f"writers saw {len(failures)} 503s ({in_restart} during the fast restart), no other error"
    )


async def test_a_database_out_of_connection_slots_is_503(cluster: Cluster) -> None:
    """PostgreSQL refusing a connection (53300, no slot left) is a 503 too, not a 500."""
    admin = await asyncpg.connect(cluster.admin_dsn, timeout=10)
    try:
        await admin.execute("CREATE ROLE crowded LOGIN CONNECTION LIMIT 0")
    finally:
        await admin.close()
    url = f"postgresql+asyncpg://crowded@127.0.0.1:{cluster.port}/postgres"
    app = create_app(Settings(database_url=url))
    try:
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as http:
            health = await http.get("/api/health")
            assert health.status_code == 503, health.text
            for response in (await http.get("/api/traces"), await http.get("/api/runs")):
                assert response.status_code == 503, response.text
                assert response.headers["retry-after"]
                assert response.json()["error"]["code"] == "database_unavailable"
    finally:
        await app.state.engine.dispose()
