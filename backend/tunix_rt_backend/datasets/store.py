"""The dataset store on disk: one folder per dataset key, written atomically, never outside root."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import orjson

from tunix_rt_backend.errors import Invalid

MANIFEST = "manifest.json"


def dataset_dir(root: Path, key: str) -> Path:
    """The folder of ``key``, refusing anything that would leave ``root``."""
    base = root.resolve()
    target = (base / key).resolve()
    if target.parent != base or key in {"", ".", ".."} or key.startswith("."):
        raise Invalid(f"Dataset key {key!r} is not a safe name.")
    return target


def write_manifest(root: Path, key: str, manifest: dict[str, Any]) -> Path:
    """Write ``{root}/{key}/manifest.json`` atomically: a temp folder, fsync, then rename,
    and fsync of the store's folder so that the rename is on disk before the build is
    acknowledged.

    A crash leaves either the whole manifest or none. Raises OSError when the store is not
    writable (the caller turns it into a clear error and rolls back the index row).
    """
    final = dataset_dir(root, key)
    root.mkdir(parents=True, exist_ok=True)
    staging = root.resolve() / f".tmp-{uuid.uuid4().hex}"
    staging.mkdir()
    try:
        path = staging / MANIFEST
        with path.open("wb") as handle:
            handle.write(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
            handle.write(b"\n")
            handle.flush()
            os.fsync(handle.fileno())
        if final.exists():
            # Left by a build whose index row never committed: not a published dataset.
            shutil.rmtree(final)
        staging.rename(final)
        _fsync_dir(root.resolve())
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final / MANIFEST


def _fsync_dir(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def remove(root: Path, key: str) -> None:
    shutil.rmtree(dataset_dir(root, key), ignore_errors=True)


def manifest_path(root: Path, key: str) -> Path:
    return dataset_dir(root, key) / MANIFEST
