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
from tunix_rt_training.prompts import PromptRecord, parse_prompt_records
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
class SourceLines:
    """The raw JSONL lines of ``data.path`` / ``data.eval_path`` or of a dataset export."""

    lines: list[bytes]
    dataset_key: str | None
    checksum: str
    source: str


@dataclass(frozen=True, slots=True)
class LoadedData:
    records: list[SftRecord]
    dataset_key: str | None
    checksum: str
    source: str


@dataclass(frozen=True, slots=True)
class LoadedPrompts:
    records: list[PromptRecord]
    dataset_key: str | None
    checksum: str
    source: str
    sft_records: list[SftRecord] | None
    """The same records as ``tunix_sft`` ones when they are (validation loss needs them)."""


def read_source(
    config: Config,
    reporter: Reporter | None,
    export_format: str,
    *,
    held_out: bool = False,
) -> SourceLines:
    """The lines of the training data (``data.path`` / ``data.dataset_key`` at ``data.split``)
    or, with ``held_out``, of the held-out data (``data.eval_path`` / ``data.eval_split``)."""
    data = config.data
    path = data.eval_path if held_out else data.path
    split = data.eval_split if held_out else data.split
    if path is not None:
        try:
            payload = path.read_bytes()
        except OSError as exc:
            name = "data.eval_path" if held_out else "data.path"
            raise DataError(f"cannot read {name} {path}: {exc.strerror or exc}") from None
        return SourceLines(payload.splitlines(), None, checksum(payload), str(path))
    if data.dataset_key is not None and split is not None:
        if reporter is None:
            raise DataError(
                f"data.dataset_key={data.dataset_key!r} is fetched from the server: set api.url too"
            )
        export = reporter.fetch_dataset(data.dataset_key, split, export_format)
        source = f"{reporter.base_url} dataset {data.dataset_key} ({split})"
        digest = export.checksum or checksum(b"\n".join(export.lines) + b"\n")
        return SourceLines(export.lines, data.dataset_key, digest, source)
    if held_out:
        raise DataError("no held-out data: set data.eval_path or data.eval_split")
    raise DataError(
        f"no training data: set data.path (a {export_format} JSONL) or data.dataset_key"
    )


def load_data(config: Config, reporter: Reporter | None) -> LoadedData:
    """The ``tunix_sft`` records of ``data.path`` or ``data.dataset_key`` (from the API)."""
    raw = read_source(config, reporter, "tunix_sft")
    records = parse_records(raw.lines, raw.source)
    if config.data.limit is not None:
        records = records[: config.data.limit]
    return LoadedData(records, raw.dataset_key, raw.checksum, raw.source)


def load_prompts(
    config: Config,
    reporter: Reporter | None,
    export_format: str = "prompt_only",
    *,
    held_out: bool = False,
) -> LoadedPrompts:
    """Prompts with reference answers (``prompt_only`` or ``tunix_sft`` records) of the training
    or the held-out data. The training data is cut to ``data.limit``, the held-out data to
    ``eval.limit``."""
    raw = read_source(config, reporter, export_format, held_out=held_out)
    records = parse_prompt_records(raw.lines, raw.source)
    try:
        sft: list[SftRecord] | None = parse_records(raw.lines, raw.source)
    except DataError:
        sft = None
    limit = config.eval.limit if held_out else config.data.limit
    if limit is not None:
        records = records[:limit]
        sft = sft[:limit] if sft is not None else None
    return LoadedPrompts(records, raw.dataset_key, raw.checksum, raw.source, sft)


def record_texts(records: list[SftRecord]) -> list[str]:
    return [record.prompt + record.completion for record in records]


def resolve_tokenizer(
    config: Config, run_dir: Path, texts: list[str]
) -> tuple[Any, dict[str, Any]]:
    """The run's tokenizer and its manifest entry: ``tokenizer.path`` when set; for ``tiny``
    the one already saved in ``run_dir`` (resume), else a BPE trained on ``texts`` and saved
    there."""
    saved = run_dir / tokenizer_lib.TOKENIZER_FILE
    if config.tokenizer.path is not None:
        processor = tokenizer_lib.load(config.tokenizer.path)
        info: dict[str, Any] = {"kind": "sentencepiece", "path": str(config.tokenizer.path)}
    elif saved.exists():
        processor = tokenizer_lib.load(saved)
        info = {"kind": "bpe-trained", "path": str(saved)}
    else:
        processor = tokenizer_lib.train_bpe(texts, config.tokenizer.vocab_size)
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
    "report",
    "training.log_every",
    "training.checkpoint_every",
    "training.keep_checkpoints",
    "api",
    "mesh",
    "distributed",
    "output",
    "eval",
    "data.eval_path",
    "data.eval_split",
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
    if "data.dataset" in old:  # the older name of data.dataset_key
        old["data.dataset_key"] = old.pop("data.dataset")
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
