"""Which traces a seeded build chooses is part of the contract (same request, same records,
forever), so the rule is pinned here, independently of how the service reads the rows:
``random`` takes the matching traces in id order, shuffles them with ``random.Random(seed)``,
and keeps the first ``limit`` (with dedup, the first of each normalised prompt + answer).
The per-value planning a build asks for must not outlive its transaction."""

from __future__ import annotations

import random
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.datasets.test_api import _build, _seed, gsm_like
from tunix_rt_backend.datasets import repository


async def _trace_ids(client: AsyncClient, result: dict[str, Any]) -> list[str]:
    manifest = await client.get(f"/api/datasets/{result['dataset_key']}/manifest.json")
    ids: list[str] = manifest.json()["trace_ids"]
    return ids


async def test_random_choice_is_the_seeded_shuffle_of_the_matches_in_id_order(
    client: AsyncClient,
) -> None:
    ids = await _seed(client, [gsm_like(i, prompt_group=i % 7) for i in range(60)])
    group = {trace_id: i % 7 for i, trace_id in enumerate(ids)}
    easy = sorted((t for i, t in enumerate(ids) if i % 2 == 0), key=uuid.UUID)
    shuffled = list(easy)
    random.Random(11).shuffle(shuffled)

    plain = await _build(
        client,
        dataset_name="pinned",
        dataset_version="plain",
        limit=20,
        selection_strategy="random",
        seed=11,
        filters={"metadata": {"level": "easy"}},
    )
    assert await _trace_ids(client, plain) == shuffled[:20]

    deduplicated = await _build(
        client,
        dataset_name="pinned",
        dataset_version="dedup",
        limit=5,
        selection_strategy="random",
        seed=11,
        dedup=True,
        filters={"metadata": {"level": "easy"}},
        split={"eval_fraction": 0.4},
    )
    first_of_each: list[str] = []
    for trace_id in shuffled:
        if group[trace_id] not in {group[t] for t in first_of_each}:
            first_of_each.append(trace_id)
    assert await _trace_ids(client, deduplicated) == first_of_each[:5]


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
