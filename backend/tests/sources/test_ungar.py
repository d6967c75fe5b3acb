"""UNGAR without UNGAR: episode → trace conversion on plain data, status, 501, the JSONL export.

The conversion is fed the plain data that ``ungar.observe`` reads out of an UNGAR episode (card
names, the unseen plane of player 0's tensor); the real episodes are in test_ungar_real.py.
"""

from __future__ import annotations

import importlib.util
import logging
import uuid
from typing import Any

import orjson
import pytest
from httpx import AsyncClient

from tests.conftest import make_trace
from tunix_rt_backend.sources import ungar
from tunix_rt_backend.sources.ungar import DuelObservation, episode_trace

UNGAR_INSTALLED = importlib.util.find_spec("ungar") is not None
RECORD_KEYS = {"id", "prompts", "trace_steps", "final_answer", "metadata"}


def unseen_plane(unseen: int) -> list[list[bool]]:
    """A 4 by 14 plane with ``unseen`` cells set, as ``CardTensor.plane("unseen")`` holds it."""
    cells = [i < unseen for i in range(56)]
    return [cells[row * 14 : (row + 1) * 14] for row in range(4)]


def observation(**changes: Any) -> DuelObservation:
    base: dict[str, Any] = {
        "legal_moves": ("reveal",),
        "my_hand": (("SPADES", "ACE"),),
        "unseen_plane": unseen_plane(55),
        "action": "reveal",
        "opponent_hand": (("HEARTS", "KING"),),
        "returns": (1.0, -1.0),
    }
    base.update(changes)
    return DuelObservation(**base)


def test_an_episode_becomes_a_trace_of_what_player_0_saw_and_did() -> None:
    trace = episode_trace(observation(), episode_index=2, seed=40, episode_seed=42)
    assert "High Card Duel" in trace.prompt
    assert "You are player 0. Your card: AS (ace of spades)." in trace.prompt
    assert "Legal moves: reveal." in trace.prompt
    assert [(s.type, s.content) for s in trace.steps] == [
        ("legal_moves", "Legal moves: reveal"),
        ("observation", "My card: AS (ace of spades)"),
        ("unseen", "Unseen cards: 55"),
        ("decision", "Action chosen: reveal"),
    ]
    assert trace.final_answer == "reveal"
    assert trace.source == "ungar"
    assert trace.metadata == {
        "source": "ungar",
        "game": "high_card_duel",
        "episode_index": 2,
        "my_card": "AS",
        "opponent_card": "KH",
        "result": "win",
        "seed": 40,
        "episode_seed": 42,
    }


def test_card_codes_results_and_counts() -> None:
    assert ungar.card_code(("DIAMONDS", "TEN")) == "TD"
    assert ungar.card_code(("CLUBS", "JOKER")) == "XC"
    assert ungar.card_code(("HEARTS", "TWO")) == "2H"
    assert ungar.card_words("XC") == "XC (joker of clubs)"
    assert ungar.card_words("??") == "??"
    assert [ungar.result_of(r) for r in [(1.0, -1.0), (-1.0, 1.0), (0.0, 0.0)]] == [
        "win",
        "loss",
        "tie",
    ]
    assert ungar.count_marked(unseen_plane(54)) == 54
    assert ungar.count_marked([[0, 1, 1], [1, 0, 0]]) == 3


def test_a_numpy_plane_is_counted_too() -> None:
    numpy = pytest.importorskip("numpy")
    plane = numpy.zeros((4, 14), dtype=bool)
    plane[1, 3] = plane[2, 13] = True
    assert ungar.count_marked(plane) == 2


def test_unreadable_cards_are_written_as_question_marks_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="tunix_rt.sources.ungar")
    trace = episode_trace(
        observation(
            my_hand=(),
            opponent_hand=(("STARS", "ACE"),),
            unseen_plane=None,
            action=None,
            returns=(),
        ),
        episode_index=0,
        seed=1,
        episode_seed=1,
    )
    assert trace.metadata["my_card"] == trace.metadata["opponent_card"] == "??"
    assert trace.metadata["result"] == "unknown"
    assert [s.content for s in trace.steps][1:] == [
        "My card: ??",
        "Unseen cards: unknown",
        "Action chosen: none",
    ]
    warnings = " | ".join(r.getMessage() for r in caplog.records)
    assert "expected one card in player 0's hand, found 0" in warnings
    assert "('STARS', 'ACE') cannot be read" in warnings
    assert "no return for player 0" in warnings
    assert ungar.count_marked(5) is None  # type: ignore[arg-type]


async def test_status_says_whether_ungar_is_installed(client: AsyncClient) -> None:
    response = await client.get("/api/ungar/status")
    assert response.status_code == 200
    body = response.json()
    assert body["available"] is UNGAR_INSTALLED
    if not UNGAR_INSTALLED:
        assert body["version"] is None


@pytest.mark.skipif(UNGAR_INSTALLED, reason="UNGAR is installed: test_ungar_real covers it")
async def test_generate_without_ungar_is_501_saying_how_to_install(client: AsyncClient) -> None:
    response = await client.post("/api/ungar/high-card-duel/generate", json={"count": 3})
    assert response.status_code == 501
    error = response.json()["error"]
    assert error["code"] == "not_implemented"
    assert (
        'pip install "ungar @ git+https://github.com/m-cahill/ungar@'
        '0e29e104aa1b13542b193515e3895ee87122c1cb"' in error["message"]
    )
    assert (await client.get("/api/traces/count")).json() == {"count": 0}


async def test_generate_validates_its_body_first(client: AsyncClient) -> None:
    for body in ({"count": 0}, {"count": 101}, {"count": 1, "colour": "red"}, {"seed": -1}):
        response = await client.post("/api/ungar/high-card-duel/generate", json=body)
        assert response.status_code == 422, body


async def _store(client: AsyncClient, traces: list[dict[str, Any]]) -> list[str]:
    response = await client.post("/api/traces/batch", json={"traces": traces})
    assert response.status_code == 201, response.text
    ids: list[str] = response.json()["ids"]
    return ids


def _lines(body: bytes) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in body.splitlines()]


async def test_export_streams_high_card_duel_traces_in_the_trace_record_shape(
    client: AsyncClient,
) -> None:
    empty = await client.get("/api/ungar/high-card-duel/export.jsonl")
    assert empty.status_code == 200
    assert empty.content == b""

    duel = [
        episode_trace(
            observation(my_hand=((suit, "QUEEN"),)), episode_index=i, seed=9, episode_seed=9 + i
        ).model_dump(mode="json")
        for i, suit in enumerate(["SPADES", "HEARTS", "DIAMONDS"])
    ]
    other_game = dict(duel[0], metadata={**duel[0]["metadata"], "game": "spades_mini"})
    ids = []
    for trace in [duel[0], make_trace(1), duel[1], other_game, duel[2]]:
        ids.extend(await _store(client, [trace]))
    duel_ids = [ids[0], ids[2], ids[4]]

    response = await client.get("/api/ungar/high-card-duel/export.jsonl")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    records = _lines(response.content)
    assert [r["id"] for r in records] == duel_ids
    assert all(set(r) == RECORD_KEYS for r in records)
    assert records[1]["prompts"] == duel[1]["prompt"]
    assert records[1]["trace_steps"][1] == "My card: QH (queen of hearts)"
    assert records[1]["final_answer"] == "reveal"
    assert records[1]["metadata"]["my_card"] == "QH"

    limited = _lines((await client.get("/api/ungar/high-card-duel/export.jsonl?limit=2")).content)
    assert [r["id"] for r in limited] == duel_ids[:2]

    chosen = await client.get(
        "/api/ungar/high-card-duel/export.jsonl",
        params=[("trace_ids", f"{duel_ids[2]},{ids[1]}"), ("trace_ids", duel_ids[0])],
    )
    assert [r["id"] for r in _lines(chosen.content)] == [duel_ids[0], duel_ids[2]]

    for bad in ("not-a-uuid", ",".join(str(uuid.uuid4()) for _ in range(1001))):
        refused = await client.get(
            "/api/ungar/high-card-duel/export.jsonl", params={"trace_ids": bad}
        )
        assert refused.status_code == 422
    assert (await client.get("/api/ungar/high-card-duel/export.jsonl?limit=0")).status_code == 422
