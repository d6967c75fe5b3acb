"""Real High Card Duel episodes from UNGAR (marker ``ungar``; skipped when UNGAR is absent).

Run them with ``pytest -m ungar`` after installing UNGAR (docs/ungar.md). The nightly workflow
sets ``TUNIX_RT_REQUIRE_UNGAR=1`` so that a missing UNGAR fails there instead of skipping.
"""

from __future__ import annotations

import importlib.util
import os
import re

import orjson
import pytest
from httpx import AsyncClient

from tunix_rt_backend.sources import ungar

if importlib.util.find_spec("ungar") is None:
    if os.environ.get("TUNIX_RT_REQUIRE_UNGAR"):
        pytest.fail("TUNIX_RT_REQUIRE_UNGAR is set but UNGAR is not installed", pytrace=False)
    pytest.skip("UNGAR is not installed (see docs/ungar.md)", allow_module_level=True)

pytestmark = pytest.mark.ungar

CARD = re.compile(r"^[A2-9TJQKX][SHDC]$")
RANK_ORDER = "23456789TJQKAX"  # High Card Duel: jokers, then aces, then king down to two


def test_observe_reads_a_real_episode() -> None:
    from ungar.games.high_card_duel import make_high_card_duel_spec
    from ungar.runner import play_random_episode

    spec = make_high_card_duel_spec()
    for seed in range(20):
        episode = play_random_episode(spec, seed)
        seen = ungar.observe(episode)
        assert seen.legal_moves == ("reveal",)
        assert seen.action == "reveal"
        assert len(seen.my_hand) == len(seen.opponent_hand) == 1
        assert seen.my_hand != seen.opponent_hand
        # Player 0 holds one card and has not seen the opponent's: 56 - 1 unseen.
        assert ungar.count_marked(seen.unseen_plane) == 55
        again = ungar.observe(play_random_episode(spec, seed))
        assert (again.my_hand, again.opponent_hand) == (seen.my_hand, seen.opponent_hand)


async def test_generate_store_and_export_real_episodes(client: AsyncClient) -> None:
    status = (await client.get("/api/ungar/status")).json()
    assert status["available"] is True

    response = await client.post(
        "/api/ungar/high-card-duel/generate", json={"count": 12, "seed": 7}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (len(body["trace_ids"]), body["created"], body["existing"]) == (12, 12, 0)
    assert len(body["preview"]) == 3

    records = [
        orjson.loads(line)
        for line in (
            await client.get("/api/ungar/high-card-duel/export.jsonl")
        ).content.splitlines()
    ]
    assert [r["id"] for r in records] == body["trace_ids"]
    for index, record in enumerate(records):
        meta = record["metadata"]
        assert (meta["source"], meta["game"], meta["seed"]) == ("ungar", "high_card_duel", 7)
        assert (meta["episode_index"], meta["episode_seed"]) == (index, 7 + index)
        assert CARD.match(meta["my_card"]), meta
        assert CARD.match(meta["opponent_card"]), meta
        mine, theirs = (RANK_ORDER.index(meta[k][0]) for k in ("my_card", "opponent_card"))
        expected = "win" if mine > theirs else "loss" if mine < theirs else "tie"
        assert meta["result"] == expected, meta
        assert record["trace_steps"] == [
            "Legal moves: reveal",
            f"My card: {ungar.card_words(meta['my_card'])}",
            "Unseen cards: 55",
            "Action chosen: reveal",
        ]
        assert record["final_answer"] == "reveal"
        assert f"Your card: {ungar.card_words(meta['my_card'])}." in record["prompts"]

    same = await client.post("/api/ungar/high-card-duel/generate", json={"count": 12, "seed": 7})
    assert same.json()["trace_ids"] == body["trace_ids"]
    assert (same.json()["created"], same.json()["existing"]) == (0, 12)

    preview = await client.post(
        "/api/ungar/high-card-duel/generate", json={"count": 2, "persist": False}
    )
    assert preview.status_code == 200
    assert preview.json()["trace_ids"] == []
    assert len(preview.json()["preview"]) == 2
    assert (await client.get("/api/traces/count")).json() == {"count": 12}
