"""Which traces a seeded build chooses is part of the contract (same request, same records,
forever), so the rule is pinned here, independently of how the service reads the rows:
``random`` takes the matching traces in id order, shuffles them with ``random.Random(seed)``,
and keeps the first ``limit`` (with dedup, the first of each normalised prompt + answer)."""

from __future__ import annotations

import random
import uuid
from typing import Any

from httpx import AsyncClient

from tests.datasets.test_api import _build, _seed, gsm_like


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
