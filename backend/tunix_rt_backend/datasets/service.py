"""Dataset use cases: build (select, dedup, split, record), list, read, export."""

from __future__ import annotations

import asyncio
import hashlib
import random
import uuid
from collections import Counter
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
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
from tunix_rt_backend.datasets.models import MEMBER_EVAL, MEMBER_TRAIN, Dataset
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
from tunix_rt_backend.http import gc_paused

TRAIN, EVAL = "train", "eval"


# What the statistics of a dataset need of each trace (see _member_stats).
STAT_COLUMNS = ("source", "step_count", "prompt_chars", "answer_chars")
_SPLIT_BYTE = {TRAIN: MEMBER_TRAIN, EVAL: MEMBER_EVAL}


@dataclass(slots=True)
class _Candidate:
    id: uuid.UUID
    content_hash: str = ""
    prompt_key: bytes = b""
    dedup_key: bytes = b""
    stratum: str | None = None
    # Read with the content hash (complete), for the statistics.
    complete: bool = False
    source: str = ""
    step_count: int = 0
    prompt_chars: int = 0
    answer_chars: int = 0

    def fill(self, content_hash: str, source: str, steps: int, prompt: int, answer: int) -> None:
        self.content_hash, self.source, self.step_count = content_hash, source, steps
        self.prompt_chars, self.answer_chars, self.complete = prompt, answer, True


def _normal_prompt(prompt: str) -> str:
    return " ".join(prompt.split()).casefold()


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


class _PromptKeys:
    """Normalised prompts and their keys, remembered for the last prompts seen: traces that
    share a prompt (several answers to one question, what a prompt-grouped split is for)
    normalise and hash it once. Normalising and hashing took about half of the Python time of
    a 100,000-trace build with a split."""

    LIMIT = 65_536

    def __init__(self) -> None:
        self._known: dict[str, tuple[str, bytes]] = {}

    def __call__(self, prompt: str) -> tuple[str, bytes]:
        """(the normalised prompt, its key)"""
        known = self._known.get(prompt)
        if known is None:
            if len(self._known) >= self.LIMIT:
                self._known.clear()
            normal = _normal_prompt(prompt)
            known = self._known[prompt] = (normal, _digest(normal))
        return known


def _answer_key(answer: str) -> str:
    number = normalize_number(answer)
    return f"#{number}" if number is not None else normalize_text_answer(answer)


async def _candidates(session: AsyncSession, req: DatasetBuildRequest) -> list[_Candidate]:
    """Matching traces in strategy order, deduplicated, cut to the limit, with what the
    manifest (content hash) and the split (prompt key) need."""
    async with repo.planned_for_values(session):
        if req.selection_strategy == "random":
            chosen = await _random(session, req)
        else:
            chosen = await _in_sql_order(session, req)
        await _complete(session, chosen, prompt_keys=req.split is not None)
    return chosen


async def _in_sql_order(session: AsyncSession, req: DatasetBuildRequest) -> list[_Candidate]:
    """latest and top_score (SQL orders and, without dedup, limits) and stratified (every
    match in id order, sampled in Python)."""
    stratified = req.selection_strategy == "stratified"
    sql_order = "id" if stratified else req.selection_strategy
    sql_limit = None if stratified or req.dedup else req.limit
    # latest and top_score read what they keep, so everything is read at once; stratified reads
    # every match, so the rest is looked up for the chosen ones only.
    columns = ["id"]
    if not stratified:
        columns.extend(("content_hash", *STAT_COLUMNS))
    if req.dedup or (not stratified and req.split is not None):
        columns.append("prompt")
    if req.dedup:
        columns.append("final_answer")
    if req.stratify_by is not None:
        columns.append("stratum")
    out: list[_Candidate] = []
    stream = repo.stream_candidates(
        session,
        req.filters,
        order=sql_order,
        limit=sql_limit,
        columns=columns,
        stratify_by=req.stratify_by,
        score_name=req.score_name,
    )
    async with aclosing(stream):
        await _collect(stream, req, out, columns=columns, in_python_order=stratified)
    if stratified:
        out = _dedup(out) if req.dedup else out
        return _stratified(out, req.limit, req.seed or 0)
    return out[: req.limit]


async def _collect(
    stream: AsyncIterator[Sequence[Any]],
    req: DatasetBuildRequest,
    out: list[_Candidate],
    *,
    columns: Sequence[str],
    in_python_order: bool,
) -> None:
    at = {name: i for i, name in enumerate(columns)}
    hash_at, prompt_at, answer_at = at.get("content_hash"), at.get("prompt"), at.get("final_answer")
    source_at = at.get("source")
    stats_end = None if source_at is None else source_at + len(STAT_COLUMNS)
    stratum_at = at.get("stratum")
    split = req.split is not None
    prompt_keys = _PromptKeys()
    seen: set[bytes] = set()
    async for rows in stream:
        with gc_paused():  # a batch of short-lived, acyclic objects: see gc_paused
            for row in rows:
                if hash_at is not None and source_at is not None:
                    # (id, content_hash, prompt_key, dedup_key, stratum, complete, *stats)
                    candidate = _Candidate(
                        row[0], row[hash_at], b"", b"", None, True, *row[source_at:stats_end]
                    )
                else:
                    candidate = _Candidate(row[0])
                if prompt_at is not None:
                    prompt, prompt_key = prompt_keys(row[prompt_at])
                    if split:
                        candidate.prompt_key = prompt_key
                    if answer_at is not None:
                        candidate.dedup_key = _digest(prompt + "\x1f" + _answer_key(row[answer_at]))
                if stratum_at is not None:
                    candidate.stratum = row[stratum_at]
                if req.dedup and not in_python_order:
                    if candidate.dedup_key in seen:
                        continue
                    seen.add(candidate.dedup_key)
                out.append(candidate)
        if not in_python_order and len(out) >= req.limit:
            break


async def _random(session: AsyncSession, req: DatasetBuildRequest) -> list[_Candidate]:
    """Every matching id in id order, shuffled with the seed; the first ``limit`` (distinct
    ones with dedup). Only the ids of all matches are read: the rest for the chosen ones."""
    assert req.seed is not None
    ids = await repo.matching_ids(session, req.filters)
    random.Random(req.seed).shuffle(ids)
    if not req.dedup:
        return [_Candidate(id=trace_id) for trace_id in ids[: req.limit]]
    kept: list[_Candidate] = []
    seen: set[bytes] = set()
    prompt_keys = _PromptKeys()
    start = 0
    while len(kept) < req.limit and start < len(ids):
        # What is still missing, and a little more for the repeats dedup will drop.
        want = min(max(req.limit - len(kept), 1_000) * 5 // 4, 50_000)
        part = ids[start : start + want]
        start += len(part)
        columns = ("prompt", "final_answer", "content_hash", *STAT_COLUMNS)
        found = await repo.lookup(session, part, columns)
        for trace_id in part:
            prompt, answer, content_hash, *stats = _found(found, trace_id)
            normal, prompt_key = prompt_keys(prompt)
            dedup_key = _digest(normal + "\x1f" + _answer_key(answer))
            if dedup_key in seen:
                continue
            seen.add(dedup_key)
            prompt_key = prompt_key if req.split is not None else b""
            candidate = _Candidate(trace_id, prompt_key=prompt_key, dedup_key=dedup_key)
            candidate.fill(content_hash, *stats)
            kept.append(candidate)
            if len(kept) == req.limit:
                break
    return kept


async def _complete(
    session: AsyncSession, candidates: Sequence[_Candidate], *, prompt_keys: bool
) -> None:
    """Look up the content hash and statistics (and prompt key) of the candidates chosen
    without them."""
    missing = [c for c in candidates if not c.complete or (prompt_keys and not c.prompt_key)]
    if not missing:
        return
    columns = ("content_hash", *STAT_COLUMNS, *(("prompt",) if prompt_keys else ()))
    found = await repo.lookup(session, [c.id for c in missing], columns)
    keys = _PromptKeys()
    for candidate in missing:
        row = _found(found, candidate.id)
        candidate.fill(*row[: 1 + len(STAT_COLUMNS)])
        if prompt_keys:
            candidate.prompt_key = keys(row[-1])[1]


def _found(found: dict[Any, Sequence[Any]], trace_id: uuid.UUID) -> Sequence[Any]:
    row = found.get(trace_id)
    if row is None:
        raise _deleted_meanwhile(trace_id)
    return row


def _deleted_meanwhile(trace_id: uuid.UUID) -> Conflict:
    """A trace chosen was deleted by someone else before the build was recorded (SQLite)."""
    return Conflict(
        f"Trace {trace_id} was deleted while the dataset was being built; nothing was "
        "recorded. Build it again.",
        details={"trace_id": str(trace_id)},
    )


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


def _checksum(candidates: Sequence[_Candidate], ids: Sequence[str], splits: Sequence[str]) -> str:
    """SHA-256 over (id, content hash, split) in manifest order.

    Every export is a pure function of these and the export parameters, and stored traces
    never change, so equal checksums mean byte-identical exports.
    """
    digest = hashlib.sha256(f"tunix-rt-dataset:{DATASET_SCHEMA_VERSION}\n".encode())
    block = 10_000  # hashed a block of lines at a time: one update per line costs 3x more
    for start in range(0, len(candidates), block):
        end = start + block
        lines = zip(ids[start:end], candidates[start:end], splits[start:end], strict=True)
        digest.update("".join(f"{i}:{c.content_hash}:{s}\n" for i, c, s in lines).encode())
    return digest.hexdigest()


def _member_stats(
    candidates: Sequence[_Candidate], scores: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Counts, step and length statistics of the chosen traces, and their score means."""
    count = len(candidates)

    def mean(total: int) -> float | None:
        return round(total / count, 4) if count else None

    steps = [c.step_count for c in candidates]
    prompts = [c.prompt_chars for c in candidates]
    sources = Counter(c.source for c in candidates)
    return {
        "trace_count": count,
        "sources": dict(sorted(sources.items())),
        "steps": {
            "min": min(steps, default=None),
            "max": max(steps, default=None),
            "mean": mean(sum(steps)),
        },
        "prompt_chars": {"mean": mean(sum(prompts)), "max": max(prompts, default=None)},
        "final_answer_chars": {"mean": mean(sum(c.answer_chars for c in candidates))},
        "scores": scores,
    }


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

    # Held until the commit: no trace chosen can be deleted meanwhile (PostgreSQL).
    await repo.lock_members(session, exclusive=False)
    candidates = await _candidates(session, request)
    splits = await asyncio.to_thread(_assign_splits, candidates, request)
    trace_ids = [c.id for c in candidates]
    id_texts = [str(i) for i in trace_ids]
    checksum = await asyncio.to_thread(_checksum, candidates, id_texts, splits)
    split_counts = {TRAIN: splits.count(TRAIN), EVAL: splits.count(EVAL)}
    stats = _member_stats(candidates, await repo.score_means(session, trace_ids))
    stats["split_counts"] = split_counts
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
        stats=stats,
        request=_request_summary(request),
        selection_strategy=request.selection_strategy,
        seed=request.seed,
        checksum=checksum,
        manifest_path=str(store.manifest_path(root, key)),
        description=request.description,
        session_id=request.session_id,
        parent_dataset_id=request.parent_dataset_id,
        training_run_id=request.training_run_id,
        member_ids=b"".join([i.bytes for i in trace_ids]),
        member_splits=b"".join([_SPLIT_BYTE[split] for split in splits]),
    )
    session.add(dataset)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        raise Conflict(f"Dataset {key} already exists; versions are immutable.") from None
    # SQLite: the flush began this transaction's write, so no delete can commit until it ends;
    # one may have committed after the choice, though (see repository.lock_members).
    missing = [] if repo.locks_members(session) else await repo.missing_ids(session, trace_ids)
    if missing:
        await session.rollback()
        raise _deleted_meanwhile(missing[0])

    manifest = {
        **to_read(dataset).model_dump(mode="json"),
        "trace_ids": id_texts,
        "splits": {
            TRAIN: [i for i, s in zip(id_texts, splits, strict=True) if s == TRAIN],
            EVAL: [i for i, s in zip(id_texts, splits, strict=True) if s == EVAL],
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


async def hold_members(session: AsyncSession) -> None:
    """Before deleting a trace: no dataset build may record it until this transaction ends."""
    await repo.lock_members(session, exclusive=True)


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
) -> AsyncGenerator[bytes]:
    """NDJSON of the dataset in manifest order, in blocks of lines (constant memory).

    Close it (``aclosing``) when not reading to the end: that returns its connection idle."""
    dumps, newline = orjson.dumps, orjson.OPT_APPEND_NEWLINE
    async with aclosing(repo.stream_members(session, key, split)) as pages:
        async for rows in pages:
            with gc_paused():  # one block of short-lived, acyclic objects: see gc_paused
                block = b"".join(
                    [
                        dumps(build_record(format, row, style, system), option=newline)
                        for row in rows
                    ]
                )
            yield block


def row_record(row: Sequence[Any]) -> repo.ExportRow:
    """(id, prompt, steps, final_answer, reference_answer, metadata) → what records render."""
    return repo.export_row(row)
