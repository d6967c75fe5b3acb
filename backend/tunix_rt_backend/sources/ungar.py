"""UNGAR High Card Duel episodes as reasoning traces. UNGAR is optional and imported lazily.

UNGAR (https://github.com/m-cahill/ungar) is not on PyPI; install it with::

    pip install "ungar @ git+https://github.com/m-cahill/ungar@0e29e104aa1b13542b193515e3895ee87122c1cb"

Two layers, so that the conversion is testable without UNGAR:

- :func:`observe` reads one ``ungar.runner.Episode`` (``states``, ``moves``, ``rewards``) into a
  :class:`DuelObservation` of plain data: player 0's legal moves and decision, the cards of the
  ``my_hand`` and ``opponent_hand`` planes of player 0's tensor (``state.to_tensor(0)``) as
  ``(suit, rank)`` names, and the tensor's ``unseen`` plane. This is the only code that touches
  UNGAR objects.
- :func:`episode_trace` turns an observation into a trace: the prompt states the game and what
  player 0 knows; the steps are the observations (legal moves, own card, unseen-card count read
  from the tensor, the decision); the final answer is the action.

A card that cannot be read is written ``"??"`` with a logged warning; nothing crashes on it.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from tunix_rt_backend.errors import NotImplementedFeature
from tunix_rt_backend.traces.schemas import StepIn, TraceCreate

logger = logging.getLogger("tunix_rt.sources.ungar")

SOURCE = "ungar"
GAME = "high_card_duel"
PLAYER = 0
UNKNOWN_CARD = "??"
UNGAR_REQUIREMENT = (
    "ungar @ git+https://github.com/m-cahill/ungar@0e29e104aa1b13542b193515e3895ee87122c1cb"
)
INSTALL_HINT = (
    f"UNGAR is not installed. Install it into the server's environment with `pip install "
    f'"{UNGAR_REQUIREMENT}"` (or `pip install -e "backend[ungar]"` from a checkout) and '
    "restart the server; see docs/ungar.md."
)

#: UNGAR's suit and rank names (its ``Suit`` / ``Rank`` enums) → the short card code.
SUIT_CODES = {"SPADES": "S", "HEARTS": "H", "DIAMONDS": "D", "CLUBS": "C"}
RANK_CODES = {
    "ACE": "A",
    "TWO": "2",
    "THREE": "3",
    "FOUR": "4",
    "FIVE": "5",
    "SIX": "6",
    "SEVEN": "7",
    "EIGHT": "8",
    "NINE": "9",
    "TEN": "T",
    "JACK": "J",
    "QUEEN": "Q",
    "KING": "K",
    "JOKER": "X",
}

PROMPT = (
    "Game: High Card Duel (UNGAR). Two players are each dealt one card from a 56-card deck "
    "(52 cards and 4 jokers); jokers rank highest, then aces, then king down to two. Each "
    "player reveals their card in turn and the higher card wins; equal ranks tie.\n"
    "You are player 0. Your card: {my_card}. Your opponent's card is hidden.\n"
    "Legal moves: {legal_moves}. Which move do you make?"
)

Card = tuple[str, str]
"""A card as ``(suit name, rank name)``, spelled as UNGAR's enums spell them."""

T = TypeVar("T")


class UngarUnavailable(NotImplementedFeature):
    def __init__(self) -> None:
        super().__init__(INSTALL_HINT, details={"install": f'pip install "{UNGAR_REQUIREMENT}"'})


def status() -> tuple[bool, str | None]:
    """Whether UNGAR can be imported, and its version when known."""
    if importlib.util.find_spec("ungar") is None:
        return False, None
    try:
        module = importlib.import_module("ungar")
    except Exception as exc:  # installed but broken: report it unavailable, say why in the log
        logger.warning("UNGAR is installed but cannot be imported: %s", exc)
        return False, None
    version = getattr(module, "__version__", None)
    if version is None:
        try:
            version = importlib.metadata.version("ungar")
        except importlib.metadata.PackageNotFoundError:
            return True, None
    return True, str(version)


# --------------------------------------------------------------------------- plain data → trace


@dataclass(frozen=True, slots=True)
class DuelObservation:
    """What player 0 saw and did in one High Card Duel episode, as plain data."""

    legal_moves: tuple[str, ...]
    """Names of the moves legal at player 0's decision."""
    my_hand: tuple[Card, ...]
    """The ``my_hand`` plane of player 0's tensor at the decision."""
    unseen_plane: Sequence[Sequence[Any]] | None
    """The 4 by 14 ``unseen`` plane of player 0's tensor at the decision (nested lists or an
    array); ``None`` when it could not be read."""
    action: str | None
    """The move player 0 made."""
    opponent_hand: tuple[Card, ...]
    """The ``opponent_hand`` plane of player 0's tensor once the game is over (revealed)."""
    returns: tuple[float, ...]
    """The final reward of each player."""


def card_code(card: Card) -> str:
    """``("SPADES", "ACE")`` → ``"AS"``, ``("HEARTS", "TEN")`` → ``"TH"``, a joker → ``"X"`` +
    suit; ``"??"`` (with a warning) for names UNGAR does not use."""
    suit, rank = card
    if suit not in SUIT_CODES or rank not in RANK_CODES:
        logger.warning("UNGAR card %r cannot be read; writing %s", card, UNKNOWN_CARD)
        return UNKNOWN_CARD
    return RANK_CODES[rank] + SUIT_CODES[suit]


_RANK_WORDS = {code: name.lower() for name, code in RANK_CODES.items()}
_SUIT_WORDS = {code: name.lower() for name, code in SUIT_CODES.items()}


def card_words(code: str) -> str:
    """``"AS"`` → ``"AS (ace of spades)"``, for a reader (or a model) new to the codes."""
    if code == UNKNOWN_CARD:
        return code
    return f"{code} ({_RANK_WORDS[code[0]]} of {_SUIT_WORDS[code[1]]})"


def hand_card(hand: Sequence[Card], what: str) -> str:
    """The code of the one card of a High Card Duel hand; ``"??"`` (with a warning) when the
    hand does not hold exactly one card."""
    if len(hand) != 1:
        logger.warning(
            "expected one card in %s, found %d; writing %s", what, len(hand), UNKNOWN_CARD
        )
        return UNKNOWN_CARD
    return card_code(hand[0])


def count_marked(plane: Sequence[Sequence[Any]] | None) -> int | None:
    """How many cells of a tensor plane are set; ``None`` (with a warning) when unreadable."""
    if plane is None:
        return None
    try:
        return sum(1 for row in plane for cell in row if cell)
    except TypeError:
        logger.warning("the unseen plane is not a 2-D grid: %r", type(plane).__name__)
        return None


def result_of(returns: Sequence[float]) -> str:
    """``win``, ``loss`` or ``tie`` for player 0; ``unknown`` (with a warning) without returns."""
    if len(returns) <= PLAYER:
        logger.warning("the episode has no return for player %d", PLAYER)
        return "unknown"
    mine = returns[PLAYER]
    return "win" if mine > 0 else "loss" if mine < 0 else "tie"


def episode_trace(
    observation: DuelObservation, *, episode_index: int, seed: int, episode_seed: int
) -> TraceCreate:
    """The trace of one episode (see the module docstring)."""
    my_card = hand_card(observation.my_hand, "player 0's hand")
    opponent_card = hand_card(observation.opponent_hand, "the opponent's revealed hand")
    legal = ", ".join(observation.legal_moves) or "none"
    unseen = count_marked(observation.unseen_plane)
    action = observation.action or "none"
    steps = [
        StepIn(type="legal_moves", content=f"Legal moves: {legal}"),
        StepIn(type="observation", content=f"My card: {card_words(my_card)}"),
        StepIn(
            type="unseen",
            content=f"Unseen cards: {unseen if unseen is not None else 'unknown'}",
        ),
        StepIn(type="decision", content=f"Action chosen: {action}"),
    ]
    return TraceCreate(
        prompt=PROMPT.format(my_card=card_words(my_card), legal_moves=legal),
        steps=steps,
        final_answer=action,
        source=SOURCE,
        tags=[GAME],
        metadata={
            "source": SOURCE,
            "game": GAME,
            "episode_index": episode_index,
            "my_card": my_card,
            "opponent_card": opponent_card,
            "result": result_of(observation.returns),
            "seed": seed,
            "episode_seed": episode_seed,
        },
    )


# --------------------------------------------------------------------------- UNGAR → plain data


def _read(what: str, read: Callable[[], T], default: T) -> T:
    try:
        return read()
    except Exception as exc:  # an UNGAR object without the published API: warn, go on
        logger.warning(
            "cannot read %s from the UNGAR episode: %s: %s", what, type(exc).__name__, exc
        )
        return default


def _cards(cards: Iterable[Any]) -> tuple[Card, ...]:
    return tuple((str(card.suit.name), str(card.rank.name)) for card in cards)


def observe(episode: Any) -> DuelObservation:
    """Player 0's view of an ``ungar.runner.Episode`` of High Card Duel, as plain data."""
    states = list(episode.states)
    moves = list(episode.moves)
    first, last = states[0], states[-1]
    view = _read("player 0's tensor", lambda: first.to_tensor(PLAYER), None)
    final_view = _read("player 0's final tensor", lambda: last.to_tensor(PLAYER), None)
    action = None
    for state, move in zip(states, moves, strict=False):
        if _read("the player to move", state.current_player, None) == PLAYER:
            action = str(move.name)
            break
    return DuelObservation(
        legal_moves=_read(
            "the legal moves", lambda: tuple(str(m.name) for m in first.legal_moves()), ()
        ),
        my_hand=_read("my_hand", lambda: _cards(view.cards_in_plane("my_hand")), ()),
        unseen_plane=_read("the unseen plane", lambda: view.plane("unseen"), None),
        action=action,
        opponent_hand=_read(
            "opponent_hand", lambda: _cards(final_view.cards_in_plane("opponent_hand")), ()
        ),
        returns=tuple(float(r) for r in episode.rewards),
    )


def generate(count: int, seed: int | None = None) -> list[TraceCreate]:
    """Play ``count`` random episodes (episode ``i`` with seed ``seed + i``; a random base seed
    when ``seed`` is None, recorded in each trace) and convert them. ``UngarUnavailable`` (501)
    when UNGAR is not installed."""
    try:
        from ungar.games.high_card_duel import make_high_card_duel_spec
        from ungar.runner import play_random_episode
    except ImportError:
        raise UngarUnavailable() from None
    base = seed if seed is not None else secrets.randbelow(2**31)
    spec = make_high_card_duel_spec()
    traces = []
    for index in range(count):
        episode = play_random_episode(spec, base + index)
        traces.append(
            episode_trace(
                observe(episode), episode_index=index, seed=base, episode_seed=base + index
            )
        )
    return traces
