"""A dataset build into a store that cannot be written, on both dialects.

The store really fails: a 64 KiB tmpfs filled to within 8 KiB (the manifest write starts, then
runs out of space: ENOSPC half way), or a read-only mount (EROFS; as a user without root, a
folder without write permission: EACCES). The build answers 503 ``unavailable`` naming the
folder and the reason, leaves no manifest (partial or whole) and no index row, and the same
build succeeds once the store is repaired: nothing half-done stands in its way.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import os
import shutil
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import make_trace
from tunix_rt_backend.app import create_app
from tunix_rt_backend.settings import Settings

# Real servers on a filled or locked dataset store.
pytestmark = pytest.mark.slow

TRACES = 300  # a manifest of about 30 KB: larger than what the full store has left
FILLER = "other-files"


@dataclass
class BrokenStore:
    root: Path
    reason: str  # the operating system's words for the failure
    before: set[str]  # what the folder held before the build
    repair: Callable[[], None]


def _mount(root: Path, options: str) -> None:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs for this fault needs root")
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")


def _run(*command: str) -> None:
    subprocess.run(command, capture_output=True, check=True)


@contextlib.contextmanager
def _full_store(root: Path) -> Iterator[BrokenStore]:
    _mount(root, "size=64k,mode=0755")
    try:
        # Leaves two pages free: the manifest's first 8 KiB are written, then ENOSPC.
        (root / FILLER).write_bytes(b"\0" * (56 * 1024))
        yield BrokenStore(
            root, os.strerror(errno.ENOSPC), {FILLER}, lambda: (root / FILLER).unlink()
        )
    finally:
        _run("umount", "-l", str(root))


@contextlib.contextmanager
def _read_only_store(root: Path) -> Iterator[BrokenStore]:
    if os.geteuid() != 0:
        root.chmod(0o500)
        try:
            yield BrokenStore(root, os.strerror(errno.EACCES), set(), lambda: root.chmod(0o755))
        finally:
            root.chmod(0o755)
        return
    _mount(root, "ro,size=1m,mode=0755")  # root ignores permissions, not a read-only mount
    try:
        repair = lambda: _run("mount", "-o", "remount,rw", str(root))  # noqa: E731
        yield BrokenStore(root, os.strerror(errno.EROFS), set(), repair)
    finally:
        _run("umount", "-l", str(root))


@pytest.fixture(params=["full", "read-only"])
def broken_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BrokenStore]:
    root = tmp_path / "datasets"
    root.mkdir()
    maker = _full_store if request.param == "full" else _read_only_store
    with maker(root) as store:
        yield store


@pytest.fixture
async def store_app(
    client: AsyncClient, settings: Settings, broken_store: BrokenStore
) -> AsyncIterator[FastAPI]:
    """The app on the test database (tables emptied by ``client``), storing into the fault."""
    app = create_app(settings.model_copy(update={"datasets_dir": broken_store.root}))
    yield app
    await app.state.engine.dispose()


async def _index_rows(engine: AsyncEngine) -> tuple[int, int]:
    async with engine.connect() as connection:
        datasets = await connection.scalar(text("SELECT count(*) FROM datasets"))
        members = await connection.scalar(
            text("SELECT coalesce(sum(length(member_splits)), 0) FROM datasets")
        )
    return int(datasets or 0), int(members or 0)


def _listing(root: Path) -> set[str]:
    return {entry.name for entry in root.iterdir()}


async def test_build_into_a_broken_store_stores_nothing(
    store_app: FastAPI, broken_store: BrokenStore, migrated_engine: AsyncEngine
) -> None:
    store = broken_store
    body = {
        "dataset_name": "faulty",
        "dataset_version": "v1",
        "limit": TRACES,
        "split": {"eval_fraction": 0.1},
    }
    async with AsyncClient(transport=ASGITransport(app=store_app), base_url="http://t") as http:
        seeded = await http.post(
            "/api/traces/batch", json={"traces": [make_trace(i) for i in range(TRACES)]}
        )
        assert seeded.status_code == 201, seeded.text

        response = await http.post("/api/datasets/build", json=body)
        assert response.status_code == 503, response.text
        error = response.json()["error"]
        assert error["code"] == "unavailable"
        assert str(store.root) in error["message"]
        assert store.reason in error["message"]
        assert "nothing was recorded" in error["message"]
        assert error["details"] == {"dataset_key": "faulty-v1"}

        # No manifest, whole or partial, no staging folder, no index row.
        assert await asyncio.to_thread(_listing, store.root) == store.before
        assert await _index_rows(migrated_engine) == (0, 0)
        assert (await http.get("/api/datasets")).json()["items"] == []
        assert (await http.get("/api/datasets/faulty-v1")).status_code == 404

        # Repaired, the very same build goes through: nothing half-done is in its way.
        await asyncio.to_thread(store.repair)
        retried = await http.post("/api/datasets/build", json=body)
        assert retried.status_code == 201, retried.text
        result = retried.json()
        assert result["trace_count"] == TRACES
        manifest_path = Path(result["manifest_path"])
        manifest = json.loads(await asyncio.to_thread(manifest_path.read_bytes))
        assert len(manifest["trace_ids"]) == TRACES
        assert manifest["checksum"] == result["checksum"]
        assert await asyncio.to_thread(_listing, store.root) == {"faulty-v1"}
        assert await _index_rows(migrated_engine) == (1, TRACES)
