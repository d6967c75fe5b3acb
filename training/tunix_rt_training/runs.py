"""Run directories: ids, manifests, provenance (git sha, package versions), input loading.

A run directory holds ``run_manifest.json``, ``metrics.jsonl``, ``checkpoints/`` (orbax) and,
for preset ``tiny``, the ``tokenizer.model`` built for the run. An evaluation directory holds
``eval_manifest.json``, ``eval_outputs.jsonl`` and ``eval_summary.json``.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import platform
import secrets
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tunix_rt_training import tokenizer as tokenizer_lib
from tunix_rt_training.config import Config, build_config
from tunix_rt_training.data import DataError, SftRecord, checksum, parse_records
from tunix_rt_training.reporting import Reporter

MANIFEST = "run_manifest.json"
METRICS = "metrics.jsonl"
CHECKPOINTS = "checkpoints"
EVAL_MANIFEST = "eval_manifest.json"
EVAL_OUTPUTS = "eval_outputs.jsonl"
EVAL_SUMMARY = "eval_summary.json"

PACKAGES = (
    "google-tunix",
    "jax",
    "jaxlib",
    "flax",
    "optax",
    "orbax-checkpoint",
    "qwix",
    "sentencepiece",
    "safetensors",
    "numpy",
    "tunix-rt-training",
    "tunix-rt-backend",
)


class RunError(RuntimeError):
    """A run directory or its inputs cannot be used; the message says what to do."""


def new_id(prefix: str) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return f"{prefix}-{stamp}-{secrets.token_hex(3)}"


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def git_sha() -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    sha = result.stdout.strip()
    return sha if result.returncode == 0 and sha else None


def versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    return found


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    """Atomic write (a crash never leaves half a manifest)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RunError(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict):
        raise RunError(f"{path} is not a JSON object")
    return data


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            if isinstance(item, dict):
                rows.append(item)
    return rows


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class LoadedData:
    records: list[SftRecord]
    dataset_key: str | None
    checksum: str
    source: str


def load_data(config: Config, reporter: Reporter | None) -> LoadedData:
    """The ``tunix_sft`` records of ``data.path`` or ``data.dataset`` (from the API)."""
    data = config.data
    if data.path is not None:
        try:
            payload = data.path.read_bytes()
        except OSError as exc:
            raise DataError(f"cannot read data.path {data.path}: {exc.strerror or exc}") from None
        records = parse_records(payload.splitlines(), str(data.path))
        digest, key, source = checksum(payload), None, str(data.path)
    elif data.dataset is not None:
        if reporter is None:
            raise DataError(
                f"data.dataset={data.dataset!r} is fetched from the server: set api.url too"
            )
        export = reporter.fetch_dataset(data.dataset, data.split)
        source = f"{reporter.base_url} dataset {data.dataset} ({data.split})"
        records = parse_records(export.lines, source)
        digest = export.checksum or checksum(b"\n".join(export.lines) + b"\n")
        key = data.dataset
    else:
        raise DataError("no training data: set data.path (a tunix_sft JSONL) or data.dataset")
    if data.limit is not None:
        records = records[: data.limit]
    return LoadedData(records, key, digest, source)


def record_texts(records: list[SftRecord]) -> list[str]:
    return [record.prompt + record.completion for record in records]


def resolve_tokenizer(
    config: Config, run_dir: Path, records: list[SftRecord]
) -> tuple[Any, dict[str, Any]]:
    """The run's tokenizer and its manifest entry: ``tokenizer.path`` when set; for ``tiny``
    the one already saved in ``run_dir`` (resume), else a BPE trained on the records' texts
    and saved there."""
    saved = run_dir / tokenizer_lib.TOKENIZER_FILE
    if config.tokenizer.path is not None:
        processor = tokenizer_lib.load(config.tokenizer.path)
        info: dict[str, Any] = {"kind": "sentencepiece", "path": str(config.tokenizer.path)}
    elif saved.exists():
        processor = tokenizer_lib.load(saved)
        info = {"kind": "bpe-trained", "path": str(saved)}
    else:
        processor = tokenizer_lib.train_bpe(record_texts(records), config.tokenizer.vocab_size)
        run_dir.mkdir(parents=True, exist_ok=True)
        tokenizer_lib.save(processor, saved)
        info = {"kind": "bpe-trained", "path": str(saved)}
    info.update(
        vocab_size=processor.vocab_size(),
        fingerprint=tokenizer_lib.fingerprint(processor),
        bos_id=processor.bos_id(),
        eos_id=processor.eos_id(),
        pad_id=processor.pad_id(),
        stop_ids=tokenizer_lib.stop_ids(processor),
    )
    return processor, info


# --------------------------------------------------------------------------- resume

# Keys a resumed run may change; anything else must match what the checkpoints were made with.
RESUMABLE_CHANGES = (
    "training.max_steps",
    "training.log_every",
    "training.checkpoint_every",
    "training.keep_checkpoints",
    "api",
    "mesh",
    "output",
    "eval",
    "checkpoint",
    "run_name",
)


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def resume_conflicts(saved: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """Dotted keys whose values differ between a run's saved config and this one, ignoring
    the keys a resume may change."""
    old, new = _flatten(saved), _flatten(current)
    conflicts = []
    for key in sorted(set(old) | set(new)):
        if any(key == allowed or key.startswith(allowed + ".") for allowed in RESUMABLE_CHANGES):
            continue
        if old.get(key) != new.get(key):
            conflicts.append(f"{key}: {old.get(key)!r} -> {new.get(key)!r}")
    return conflicts


def load_run_config(run_dir: Path) -> tuple[Config, dict[str, Any]]:
    """The resolved config a training run was made with, and its manifest."""
    manifest_path = run_dir / MANIFEST
    if not manifest_path.exists():
        raise RunError(f"{run_dir} is not a training run directory (no {MANIFEST})")
    manifest = read_json(manifest_path)
    return build_config(manifest["config"], str(manifest_path)), manifest
