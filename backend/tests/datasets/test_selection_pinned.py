"""Which traces a seeded build chooses is part of the contract (same request, same records,
forever), so the rule is pinned here, independently of how the service reads the rows:
``random`` ranks the matching traces by ``md5("{seed}:{id}")`` (contracts.keys.random_rank,
PostgreSQL and SQLite alike) and keeps the ``limit`` of lowest rank, in rank order (with dedup,
the first of each normalised prompt + answer). A split ranks the chosen traces' distinct prompts
by SHA-256 of the split seed (8 bytes, big-endian) and the prompt key, and holds whole prompts out
in that order until eval has round(eval_fraction x count) traces.
The per-value planning a build asks for must not outlive its transaction."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.datasets.test_api import _build, _seed, gsm_like
from tunix_rt_backend.contracts.keys import prompt_key, random_rank
from tunix_rt_backend.datasets import repository


async def _trace_ids(client: AsyncClient, result: dict[str, Any]) -> list[str]:
    manifest = await client.get(f"/api/datasets/{result['dataset_key']}/manifest.json")
    ids: list[str] = manifest.json()["trace_ids"]
    return ids


def _ranked(seed: int, ids: list[str]) -> list[str]:
    return sorted(ids, key=lambda t: (random_rank(seed, uuid.UUID(t)), uuid.UUID(t)))


def test_the_rank_is_md5_of_the_seed_and_the_canonical_id() -> None:
    # Fixed values: a change to the rule changes which traces every seeded request chooses.
    # (MD5 digests, not secrets.)
    zero = "7e4635a57f16f028aac8930acb1e3980"  # pragma: allowlist secret
    other = "2ab95498ac4987d4426205b002df4557"  # pragma: allowlist secret
    assert random_rank(11, uuid.UUID(int=0)) == zero
    assert random_rank(7, uuid.UUID("12345678-1234-5678-1234-567812345678")) == other


async def test_random_choice_is_the_lowest_seeded_ranks(client: AsyncClient) -> None:
    ids = await _seed(client, [gsm_like(i, prompt_group=i % 7) for i in range(60)])
    group = {trace_id: i % 7 for i, trace_id in enumerate(ids)}
    easy = [t for i, t in enumerate(ids) if i % 2 == 0]
    ranked = _ranked(11, easy)
    assert ranked != sorted(easy)
    assert ranked != _ranked(12, easy)

    async def chosen(version: str, **body: Any) -> list[str]:
        built = await _build(
            client,
            dataset_name="pinned",
            dataset_version=version,
            selection_strategy="random",
            seed=11,
            filters={"metadata": {"level": "easy"}},
            **body,
        )
        return await _trace_ids(client, built)

    assert await chosen("plain", limit=20) == ranked[:20]
    # PostgreSQL describes these in one row; with dedup the rows are streamed: same rule.
    assert await chosen("split", limit=20, split={"eval_fraction": 0.3}) == ranked[:20]
    deduplicated = await chosen("dedup", limit=5, dedup=True, split={"eval_fraction": 0.4})
    first_of_each: list[str] = []
    for trace_id in ranked:
        if group[trace_id] not in {group[t] for t in first_of_each}:
            first_of_each.append(trace_id)
    assert deduplicated == first_of_each[:5]


@pytest.mark.parametrize(("fraction", "seed"), [(0.1, 0), (0.25, 9), (0.5, 2**63 - 1)])
async def test_a_split_holds_out_whole_prompts_in_seeded_hash_order(
    client: AsyncClient, fraction: float, seed: int
) -> None:
    bodies = [gsm_like(i, prompt_group=(i * i) % 23) for i in range(90)]
    ids = await _seed(client, bodies)
    result = await _build(
        client,
        dataset_name="held",
        dataset_version="v1",
        limit=90,
        split={"eval_fraction": fraction, "seed": seed},
    )
    manifest = (await client.get(f"/api/datasets/{result['dataset_key']}/manifest.json")).json()
    order = manifest["trace_ids"]
    key_of = {t: prompt_key(bodies[ids.index(t)]["prompt"]) for t in ids}
    groups: dict[bytes, int] = {}
    for trace_id in order:
        groups[key_of[trace_id]] = groups.get(key_of[trace_id], 0) + 1
    salt = seed.to_bytes(8, "big")
    held: set[bytes] = set()
    count = 0
    for key in sorted(groups, key=lambda k: hashlib.sha256(salt + k).digest()):
        if count >= round(fraction * len(order)):
            break
        held.add(key)
        count += groups[key]
    assert manifest["splits"]["eval"] == [t for t in order if key_of[t] in held]
    assert manifest["splits"]["train"] == [t for t in order if key_of[t] not in held]
    assert manifest["split_counts"] == {"train": 90 - count, "eval": count}


async def test_traces_stored_later_displace_only_what_they_outrank(client: AsyncClient) -> None:
    """The same request after more traces arrived keeps every earlier choice that no new trace
    outranks: a growing pool changes a seeded sample a little, not wholesale."""
    first = await _seed(client, [gsm_like(i) for i in range(40)])
    before = await _trace_ids(
        client,
        await _build(
            client,
            dataset_name="grow",
            dataset_version="v1",
            limit=10,
            selection_strategy="random",
            seed=3,
        ),
    )
    later = await _seed(client, [gsm_like(i) for i in range(40, 80)])
    after = await _trace_ids(
        client,
        await _build(
            client,
            dataset_name="grow",
            dataset_version="v2",
            limit=10,
            selection_strategy="random",
            seed=3,
        ),
    )
    assert after == _ranked(3, first + later)[:10]
    newcomers = [t for t in after if t in later]
    kept = [t for t in before if t in after]
    assert len(kept) == 10 - len(newcomers)
    # Those that left were outranked: every one ranks below the last one kept.
    assert [t for t in after if t in first] == before[: len(kept)]


async def test_values_planning_ends_with_the_build(
    client: AsyncClient, app: FastAPI, dialect: str
) -> None:
    if dialect != "postgresql":
        pytest.skip("plan_cache_mode is PostgreSQL's")

    async def mode(session: AsyncSession) -> str:
        return str((await session.execute(text("SHOW plan_cache_mode"))).scalar_one())

    async with app.state.sessionmaker() as session, session.begin():
        before = await mode(session)
        assert not await repository.start_build(session, "absent-v1")
        assert await mode(session) == "force_custom_plan"
    await _seed(client, [gsm_like(i) for i in range(3)])
    await _build(client, dataset_name="planned", dataset_version="v1", limit=2)
    async with app.state.sessionmaker() as session, session.begin():
        # Pooled connections do not keep it: it was local to the build's transaction.
        assert await mode(session) == before
        assert await repository.start_build(session, "planned-v1")
