"""Dataset use cases: build (select, dedup, split, record), list, read, export."""

from __future__ import annotations

import asyncio
import hashlib
import heapq
import random
import re
import uuid
from collections import Counter
from collections.abc import AsyncGenerator, Sequence
from contextlib import aclosing
from itertools import repeat
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tunix_rt_backend.contracts.keys import KEY_BYTES, dedup_key
from tunix_rt_backend.contracts.records import ExportFormat, build_record
from tunix_rt_backend.contracts.template import ResponseStyle
from tunix_rt_backend.datasets import export_rows, store
from tunix_rt_backend.datasets import repository as repo
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
_TRAIN, _EVAL = MEMBER_TRAIN[0], MEMBER_EVAL[0]
# Members past which the Python work of a build (splits, checksum) runs in a worker thread,
# so that the server goes on answering other requests meanwhile.
_IN_THREAD = 20_000


async def _choose(session: AsyncSession, req: DatasetBuildRequest) -> repo.Members:
    """The traces the request selects, in manifest order."""
    strategy = req.selection_strategy
    if strategy != "stratified" and not req.dedup and repo.aggregates_in_sql(session):
        return await repo.aggregate_members(
            session,
            req.filters,
            order=strategy,
            limit=req.limit,
            score_name=req.score_name,
            prompt_keys=req.split is not None,
            seed=req.seed,
        )
    return await _in_sql_order(session, req)


async def _in_sql_order(session: AsyncSession, req: DatasetBuildRequest) -> repo.Members:
    """latest, top_score and random (SQL orders and, without dedup, limits) and stratified
    (every match in id order, sampled in Python), where PostgreSQL does not describe them."""
    stratified = req.selection_strategy == "stratified"
    # latest, top_score and random read what they keep, so everything is read at once;
    # stratified reads every match, so the rest is looked up for the chosen ones only.
    columns = ["id"] if stratified else list(repo.MEMBER_COLUMNS)
    if req.dedup:
        columns.extend(name for name in ("prompt_key", "final_answer") if name not in columns)
    if req.stratify_by is not None:
        columns.append("stratum")
    at = {name: i for i, name in enumerate(columns)}
    rows: list[Sequence[Any]] = []
    seen: set[bytes] = set()
    stmt = repo.selection(
        session,
        req.filters,
        order="id" if stratified else req.selection_strategy,
        limit=None if stratified or req.dedup else req.limit,
        columns=columns,
        stratify_by=req.stratify_by,
        score_name=req.score_name,
        seed=req.seed,
    )
    stream = repo.stream_candidates(session, stmt)
    async with aclosing(stream):
        async for batch in stream:
            for row in batch:
                if req.dedup:
                    key = dedup_key(row[at["prompt_key"]], row[at["final_answer"]])
                    if key in seen:
                        continue
                    seen.add(key)
                rows.append(row)
            if not stratified and len(rows) >= req.limit:
                break
    if stratified:
        chosen = _stratified(rows, at["stratum"], req.limit, req.seed or 0)
        return await _describe(session, [row[0] for row in chosen])
    return repo.members_from_rows(rows[: req.limit])


async def _describe(session: AsyncSession, ids: Sequence[Any]) -> repo.Members:
    """Members of the traces ``ids``, in that order."""
    found = await repo.lookup(session, ids, repo.MEMBER_COLUMNS[1:])
    return repo.members_from_rows([(trace_id, *_found(found, trace_id)) for trace_id in ids])


def _found(found: dict[Any, Sequence[Any]], trace_id: Any) -> Sequence[Any]:
    row = found.get(trace_id)
    if row is None:
        raise _deleted_meanwhile(trace_id)
    return row


def _deleted_meanwhile(trace_id: Any) -> Conflict:
    """A trace chosen was deleted by someone else before the build was recorded (SQLite)."""
    return Conflict(
        f"Trace {trace_id} was deleted while the dataset was being built; nothing was "
        "recorded. Build it again.",
        details={"trace_id": str(trace_id)},
    )


def _stratified(
    rows: list[Sequence[Any]], stratum_at: int, limit: int, seed: int
) -> list[Sequence[Any]]:
    """Proportional allocation per stratum (largest remainder), seeded sampling, mixed order."""
    rng = random.Random(seed)
    strata: dict[str, list[Sequence[Any]]] = {}
    for row in rows:
        strata.setdefault(row[stratum_at] or "", []).append(row)
    total = len(rows)
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
    chosen: list[Sequence[Any]] = []
    for name in names:
        chosen.extend(rng.sample(strata[name], counts[name]))
    rng.shuffle(chosen)
    return chosen


def _assign_splits(members: repo.Members, req: DatasetBuildRequest) -> bytes:
    """One byte per member (MEMBER_TRAIN or MEMBER_EVAL): whole prompt groups go to eval,
    in the order of a seeded hash of their key, until eval has its share."""
    if req.split is None or not members.count:
        return MEMBER_TRAIN * members.count
    seed = req.split.seed if req.split.seed is not None else (req.seed or 0)
    blob = members.prompt_keys
    keys = [blob[at : at + KEY_BYTES] for at in range(0, len(blob), KEY_BYTES)]
    groups = Counter(keys)
    target = round(req.split.eval_fraction * members.count)
    salt = seed.to_bytes(8, "big", signed=False)
    sha256 = hashlib.sha256
    # A heap, not a sort: only the lowest-ranked groups are taken (about the eval share).
    ranked = [(sha256(salt + key).digest(), key) for key in groups]
    heapq.heapify(ranked)
    held_out: dict[bytes, bytes] = {}
    count = 0
    while ranked and count < target:
        key = heapq.heappop(ranked)[1]
        held_out[key] = MEMBER_EVAL
        count += groups[key]
    if not held_out:
        return MEMBER_TRAIN * members.count
    return b"".join(map(held_out.get, keys, repeat(MEMBER_TRAIN)))


def _checksum(members: repo.Members, splits: bytes) -> str:
    """SHA-256 over the members' ids, content hashes and splits, in manifest order.

    Every export is a pure function of these and the export parameters, and stored traces
    never change, so equal checksums mean byte-identical exports. The member count comes
    first, so the three runs of fixed-width values cannot be read another way.
    """
    digest = hashlib.sha256(f"tunix-rt-dataset:{DATASET_SCHEMA_VERSION}:{members.count}\n".encode())
    digest.update(members.ids)
    digest.update(members.hashes.encode())
    digest.update(splits)
    return digest.hexdigest()


# Runs of consecutive members of one split.
_RUNS = {split[0]: re.compile(re.escape(split) + b"+") for split in (MEMBER_TRAIN, MEMBER_EVAL)}


def _id_array(quoted: bytearray, splits: bytes, wanted: int | None) -> orjson.Fragment:
    """The JSON array of the members' ids (those of one split if ``wanted``), cut from
    repository.quoted_ids: a slice for each run of consecutive members of the split."""
    width = repo.QUOTED_ID
    if wanted is None or splits.count(wanted) == len(splits):
        return orjson.Fragment(b"[" + quoted[:-1] + b"]")
    runs = _RUNS[wanted].finditer(splits)
    listed = b"".join([quoted[width * run.start() : width * run.end()] for run in runs])
    return orjson.Fragment(b"[" + listed[:-1] + b"]")


def _member_stats(members: repo.Members, scores: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Counts, step and length statistics of the chosen traces, and their score means."""
    count = members.count

    def mean(total: int) -> float | None:
        return round(total / count, 4) if count else None

    return {
        "trace_count": count,
        "sources": dict(sorted(members.sources.items())),
        "steps": {
            "min": members.steps_min,
            "max": members.steps_max,
            "mean": mean(members.steps_sum),
        },
        "prompt_chars": {
            "mean": mean(members.prompt_chars_sum),
            "max": members.prompt_chars_max,
        },
        "final_answer_chars": {"mean": mean(members.answer_chars_sum)},
        "scores": scores,
    }


def _summarise(members: repo.Members, req: DatasetBuildRequest) -> tuple[bytes, str, bytearray]:
    """(splits, checksum, the ids quoted for the manifest)"""
    splits = _assign_splits(members, req)
    return splits, _checksum(members, splits), repo.quoted_ids(members.ids)


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


async def _record(session: AsyncSession, key: str, members: repo.Members) -> None:
    """Insert the dataset's row (added to ``session``): Conflict when the key exists, or when
    a chosen trace was deleted meanwhile (SQLite)."""
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        raise Conflict(f"Dataset {key} already exists; versions are immutable.") from None
    # SQLite: the flush began this transaction's write, so no delete can commit until it ends;
    # one may have committed after the choice, though (see repository.lock_members).
    if not repo.locks_members(session):
        missing = await repo.missing_ids(session, members.id_list())
        if missing:
            await session.rollback()
            raise _deleted_meanwhile(missing[0])


async def _discard(staging: asyncio.Future[Path]) -> None:
    """Remove a staged manifest that was not published, once its write has ended (a thread
    cannot be interrupted). A published one is no longer there."""
    await asyncio.wait([staging])
    if not staging.cancelled() and staging.exception() is None:
        await asyncio.to_thread(store.discard, staging.result())


async def build(
    session: AsyncSession, *, request: DatasetBuildRequest, root: Path
) -> DatasetBuildResult:
    key = request.dataset_key
    store.dataset_dir(root, key)
    # On PostgreSQL this also takes the members lock, held until the commit: no trace chosen
    # can be deleted meanwhile.
    if await repo.start_build(session, key):
        raise Conflict(
            f"Dataset {key} already exists; versions are immutable. Build a new version.",
            details={"dataset_key": key},
        )
    if (
        request.parent_dataset_id is not None
        and await repo.get(session, request.parent_dataset_id) is None
    ):
        raise NotFound(f"Parent dataset {request.parent_dataset_id} does not exist.")

    members = await _choose(session, request)
    if members.count > _IN_THREAD:
        splits, checksum, quoted = await asyncio.to_thread(_summarise, members, request)
    else:
        splits, checksum, quoted = _summarise(members, request)
    evals = splits.count(MEMBER_EVAL)
    split_counts = {TRAIN: members.count - evals, EVAL: evals}
    stats = _member_stats(members, await repo.score_means(session, members))
    stats["split_counts"] = split_counts
    build_id = uuid.uuid4()
    dataset = Dataset(
        dataset_key=key,
        name=request.dataset_name,
        version=request.dataset_version,
        build_id=build_id,
        dataset_schema_version=DATASET_SCHEMA_VERSION,
        created_at=utcnow(),
        trace_count=members.count,
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
        member_ids=members.ids,
        member_splits=splits,
    )
    session.add(dataset)
    manifest = {
        **to_read(dataset).model_dump(mode="json"),
        "trace_ids": _id_array(quoted, splits, None),
        "splits": {
            TRAIN: _id_array(quoted, splits, _TRAIN),
            EVAL: _id_array(quoted, splits, _EVAL),
        },
    }
    # The manifest is written and fsynced while the database inserts the row; it is published
    # (renamed into place) only once the insert has succeeded, so that of two builds of one key
    # only the one that recorded it ever puts a manifest there.
    staging = asyncio.ensure_future(asyncio.to_thread(store.stage_manifest, root, manifest))
    try:
        await _record(session, key, members)
    except BaseException:
        await _discard(staging)
        raise
    try:
        path = await asyncio.to_thread(store.publish, root, key, await staging)
    except OSError as exc:
        await _discard(staging)
        await session.rollback()
        raise Unavailable(
            f"The dataset store at {root} could not be written ({exc.strerror or exc}); "
            "nothing was recorded. Check the folder's permissions and free space "
            "(TUNIX_RT_DATASETS_DIR).",
            details={"dataset_key": key},
        ) from None
    except BaseException:
        await _discard(staging)
        raise
    try:
        await session.commit()
    except BaseException:
        await asyncio.to_thread(store.remove, root, key)
        raise
    return DatasetBuildResult(
        dataset_key=key,
        build_id=build_id,
        trace_count=members.count,
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
    async with aclosing(export_rows.stream_members(session, key, split)) as pages:
        async for rows in pages:
            with gc_paused():  # one block of short-lived, acyclic objects: see gc_paused
                block = b"".join(
                    [
                        dumps(build_record(format, row, style, system), option=newline)
                        for row in rows
                    ]
                )
            yield block


def row_record(row: Sequence[Any]) -> export_rows.ExportRow:
    """(id, prompt, steps, final_answer, reference_answer, metadata) → what records render."""
    return export_rows.export_row(row)
