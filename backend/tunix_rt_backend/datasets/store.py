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


def stage_manifest(root: Path, manifest: dict[str, Any]) -> Path:
    """Write the manifest into a new hidden folder of ``root`` and fsync it; the folder.

    Nothing reads a staging folder: only publish makes it a dataset. Raises OSError when the
    store is not writable (the caller turns it into a clear error), leaving nothing behind.
    """
    root.mkdir(parents=True, exist_ok=True)
    staging = root.resolve() / f".tmp-{uuid.uuid4().hex}"
    staging.mkdir()
    try:
        with (staging / MANIFEST).open("wb") as handle:
            handle.write(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
            handle.write(b"\n")
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        discard(staging)
        raise
    return staging


def publish(root: Path, key: str, staging: Path) -> Path:
    """Rename a staged manifest's folder to ``{root}/{key}`` and fsync the store's folder, so
    that the rename is on disk before the build is acknowledged. A crash leaves either the
    whole manifest or none."""
    final = dataset_dir(root, key)
    if final.exists():
        # Left by a build whose index row never committed: not a published dataset.
        shutil.rmtree(final)
    staging.rename(final)
    _fsync_dir(root.resolve())
    return final / MANIFEST


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


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
