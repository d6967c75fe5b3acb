"""Dataset use cases: build (select, dedup, split, record), list, read, export."""

from __future__ import annotations

import asyncio
import hashlib
import random
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import aclosing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.contracts.parsing import normalize_number, normalize_text_answer
from tunix_rt_backend.contracts.records import ExportFormat, build_record
from tunix_rt_backend.contracts.template import ResponseStyle
from tunix_rt_backend.datasets import repository as repo
from tunix_rt_backend.datasets import store
from tunix_rt_backend.datasets.models import Dataset
from tunix_rt_backend.datasets.schemas import (
    DATASET_SCHEMA_VERSION,
    DatasetBuildRequest,
    DatasetBuildResult,
    DatasetList,
    DatasetPreview,
    DatasetRead,
)
from tunix_rt_backend.db import utcnow
from tunix_rt_backend.errors import Conflict, NotFound, Unavailable

TRAIN, EVAL = "train", "eval"


@dataclass(slots=True)
class _Candidate:
    id: uuid.UUID
    content_hash: str
    prompt_key: bytes = b""
    dedup_key: bytes = b""
    stratum: str | None = None


@dataclass(slots=True)
class _Record:
    """The light trace view the export renders from (see contracts.trace.TraceLike)."""

    id: str
    prompt: str
    steps: list[str]
    final_answer: str
    reference_answer: str | None
    metadata: dict[str, Any]


def _normal_prompt(prompt: str) -> str:
    return " ".join(prompt.split()).casefold()


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def _answer_key(answer: str) -> str:
    number = normalize_number(answer)
    return f"#{number}" if number is not None else normalize_text_answer(answer)


async def _candidates(session: AsyncSession, req: DatasetBuildRequest) -> list[_Candidate]:
    """Matching traces in strategy order, deduplicated, cut to the limit."""
    need_text = req.dedup or req.split is not None
    sql_order = req.selection_strategy if req.selection_strategy != "stratified" else "id"
    # Orders SQL can finish (latest, top_score) stop in SQL unless dedup must look further.
    sql_limit = req.limit if sql_order in {"latest", "top_score"} and not req.dedup else None
    out: list[_Candidate] = []
    in_python_order = req.selection_strategy in {"random", "stratified"}
    stream = repo.stream_candidates(
        session,
        req.filters,
        order=sql_order,
        limit=sql_limit,
        with_text=need_text,
        stratify_by=req.stratify_by,
        score_name=req.score_name,
    )
    async with aclosing(stream):
        await _collect(stream, req, out, need_text=need_text, in_python_order=in_python_order)

    if req.selection_strategy == "random":
        assert req.seed is not None
        random.Random(req.seed).shuffle(out)
        out = _dedup(out) if req.dedup else out
    elif req.selection_strategy == "stratified":
        out = _dedup(out) if req.dedup else out
        return _stratified(out, req.limit, req.seed or 0)
    return out[: req.limit]


async def _collect(
    stream: AsyncIterator[Sequence[Any]],
    req: DatasetBuildRequest,
    out: list[_Candidate],
    *,
    need_text: bool,
    in_python_order: bool,
) -> None:
    seen: set[bytes] = set()
    async for rows in stream:
        for row in rows:
            candidate = _Candidate(id=row[0], content_hash=row[1])
            if need_text:
                prompt = _normal_prompt(row[2])
                candidate.prompt_key = _digest(prompt)
                candidate.dedup_key = _digest(prompt + "\x1f" + _answer_key(row[3]))
            if req.stratify_by is not None:
                candidate.stratum = row[-1]
            if req.dedup and not in_python_order:
                if candidate.dedup_key in seen:
                    continue
                seen.add(candidate.dedup_key)
            out.append(candidate)
        if not in_python_order and len(out) >= req.limit:
            break


def _dedup(candidates: list[_Candidate]) -> list[_Candidate]:
    seen: set[bytes] = set()
    kept: list[_Candidate] = []
    for candidate in candidates:
        if candidate.dedup_key not in seen:
            seen.add(candidate.dedup_key)
            kept.append(candidate)
    return kept


def _stratified(candidates: list[_Candidate], limit: int, seed: int) -> list[_Candidate]:
    """Proportional allocation per stratum (largest remainder), seeded sampling, mixed order."""
    rng = random.Random(seed)
    strata: dict[str, list[_Candidate]] = {}
    for candidate in candidates:
        strata.setdefault(candidate.stratum or "", []).append(candidate)
    total = len(candidates)
    take = min(limit, total)
    if take == 0:
        return []
    names = sorted(strata)
    quotas = {name: len(strata[name]) * take / total for name in names}
    counts = {name: int(quotas[name]) for name in names}
    leftover = take - sum(counts.values())
    by_remainder = sorted(names, key=lambda n: (-(quotas[n] - counts[n]), n))
    for name in by_remainder[:leftover]:
        counts[name] += 1
    chosen: list[_Candidate] = []
    for name in names:
        chosen.extend(rng.sample(strata[name], counts[name]))
    rng.shuffle(chosen)
    return chosen


def _assign_splits(candidates: Sequence[_Candidate], req: DatasetBuildRequest) -> list[str]:
    """Whole prompt groups go to one side, chosen by a seeded hash, until eval has its share."""
    if req.split is None:
        return [TRAIN] * len(candidates)
    seed = req.split.seed if req.split.seed is not None else (req.seed or 0)
    groups: dict[bytes, int] = {}
    for candidate in candidates:
        groups[candidate.prompt_key] = groups.get(candidate.prompt_key, 0) + 1
    target = round(req.split.eval_fraction * len(candidates))
    ranked = sorted(
        groups, key=lambda key: hashlib.sha256(seed.to_bytes(8, "big", signed=False) + key).digest()
    )
    held_out: set[bytes] = set()
    count = 0
    for key in ranked:
        if count >= target:
            break
        held_out.add(key)
        count += groups[key]
    return [EVAL if c.prompt_key in held_out else TRAIN for c in candidates]


def _checksum(candidates: Sequence[_Candidate], splits: Sequence[str]) -> str:
    """SHA-256 over (id, content hash, split) in manifest order.

    Every export is a pure function of these and the export parameters, and stored traces
    never change, so equal checksums mean byte-identical exports.
    """
    digest = hashlib.sha256(f"tunix-rt-dataset:{DATASET_SCHEMA_VERSION}\n".encode())
    for candidate, split in zip(candidates, splits, strict=True):
        digest.update(f"{candidate.id}:{candidate.content_hash}:{split}\n".encode())
    return digest.hexdigest()


def _request_summary(req: DatasetBuildRequest) -> dict[str, Any]:
    return req.model_dump(mode="json")


def to_read(dataset: Dataset) -> DatasetRead:
    request = dataset.request
    return DatasetRead(
        dataset_key=dataset.dataset_key,
        dataset_name=dataset.name,
        dataset_version=dataset.version,
        build_id=dataset.build_id,
        dataset_schema_version=dataset.dataset_schema_version,
        created_at=dataset.created_at,
        trace_count=dataset.trace_count,
        split_counts=dict(dataset.split_counts),
        stats=dict(dataset.stats),
        filters=dict(request.get("filters", {})),
        selection_strategy=dataset.selection_strategy,
        seed=dataset.seed,
        limit=int(request.get("limit", dataset.trace_count)),
        dedup=bool(request.get("dedup", False)),
        split=request.get("split"),
        checksum=dataset.checksum,
        manifest_path=dataset.manifest_path,
        description=dataset.description,
        session_id=dataset.session_id,
        parent_dataset_id=dataset.parent_dataset_id,
        training_run_id=dataset.training_run_id,
    )


async def build(
    session: AsyncSession, *, request: DatasetBuildRequest, root: Path
) -> DatasetBuildResult:
    key = request.dataset_key
    store.dataset_dir(root, key)
    if await repo.get(session, key) is not None:
        raise Conflict(
            f"Dataset {key} already exists; versions are immutable. Build a new version.",
            details={"dataset_key": key},
        )
    if (
        request.parent_dataset_id is not None
        and await repo.get(session, request.parent_dataset_id) is None
    ):
        raise NotFound(f"Parent dataset {request.parent_dataset_id} does not exist.")

    candidates = await _candidates(session, request)
    splits = await asyncio.to_thread(_assign_splits, candidates, request)
    checksum = await asyncio.to_thread(_checksum, candidates, splits)
    split_counts = {TRAIN: splits.count(TRAIN), EVAL: splits.count(EVAL)}
    build_id = uuid.uuid4()
    created_at = utcnow()
    dataset = Dataset(
        dataset_key=key,
        name=request.dataset_name,
        version=request.dataset_version,
        build_id=build_id,
        dataset_schema_version=DATASET_SCHEMA_VERSION,
        created_at=created_at,
        trace_count=len(candidates),
        split_counts=split_counts,
        stats={},
        request=_request_summary(request),
        selection_strategy=request.selection_strategy,
        seed=request.seed,
        checksum=checksum,
        manifest_path=str(store.manifest_path(root, key)),
        description=request.description,
        session_id=request.session_id,
        parent_dataset_id=request.parent_dataset_id,
        training_run_id=request.training_run_id,
    )
    trace_ids = [c.id for c in candidates]
    try:
        await repo.add_dataset(session, dataset, trace_ids, splits)
        stats = await repo.member_stats(session, key)
        stats["split_counts"] = split_counts
        dataset.stats = stats
        await session.flush()
    except IntegrityError:
        await session.rollback()
        raise Conflict(f"Dataset {key} already exists; versions are immutable.") from None

    manifest = {
        **to_read(dataset).model_dump(mode="json"),
        "trace_ids": [str(i) for i in trace_ids],
        "splits": {
            TRAIN: [str(i) for i, s in zip(trace_ids, splits, strict=True) if s == TRAIN],
            EVAL: [str(i) for i, s in zip(trace_ids, splits, strict=True) if s == EVAL],
        },
    }
    try:
        path = await asyncio.to_thread(store.write_manifest, root, key, manifest)
    except OSError as exc:
        await session.rollback()
        raise Unavailable(
            f"The dataset store at {root} could not be written ({exc.strerror or exc}); "
            "nothing was recorded. Check the folder's permissions and free space "
            "(TUNIX_RT_DATASETS_DIR).",
            details={"dataset_key": key},
        ) from None
    try:
        await session.commit()
    except BaseException:
        await asyncio.to_thread(store.remove, root, key)
        raise
    return DatasetBuildResult(
        dataset_key=key,
        build_id=build_id,
        trace_count=len(candidates),
        split_counts=split_counts,
        manifest_path=str(path),
        checksum=checksum,
    )


async def preview(session: AsyncSession, *, request: DatasetBuildRequest) -> DatasetPreview:
    matched = await repo.count_matching(session, request.filters)
    return DatasetPreview(matched=matched, selected=min(matched, request.limit))


async def datasets_containing(session: AsyncSession, *, trace_id: uuid.UUID) -> list[str]:
    return await repo.keys_containing(session, trace_id)


async def list_(session: AsyncSession) -> DatasetList:
    return DatasetList(items=[to_read(d) for d in await repo.list_all(session)])


async def get(session: AsyncSession, *, key: str) -> DatasetRead:
    dataset = await repo.get(session, key)
    if dataset is None:
        raise NotFound(f"No dataset {key}. GET /api/datasets lists them.")
    return to_read(dataset)


async def export_lines(
    session: AsyncSession,
    *,
    key: str,
    format: ExportFormat,
    split: str | None,
    style: ResponseStyle,
    system: str | None,
) -> AsyncIterator[bytes]:
    """NDJSON of the dataset in manifest order, in blocks of lines (constant memory)."""
    async for rows in repo.stream_members(session, key, split):
        block = bytearray()
        for row in rows:
            block += orjson.dumps(build_record(format, row_record(row), style, system))
            block += b"\n"
        yield bytes(block)


def row_record(row: Sequence[Any]) -> _Record:
    """(id, prompt, steps, final_answer, reference_answer, metadata) → what records render."""
    return _Record(
        id=str(row[0]),
        prompt=row[1],
        steps=[step["content"] for step in row[2]],
        final_answer=row[3],
        reference_answer=row[4],
        metadata=row[5],
    )
