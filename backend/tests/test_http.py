"""Body parsing: large bodies are validated with the garbage collector paused, then resumed."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Annotated

import orjson
import pytest
from pydantic import AfterValidator, TypeAdapter

from tunix_rt_backend.errors import Invalid, InvalidJSON
from tunix_rt_backend.http import GC_PAUSE_BYTES, parse_json

seen: list[bool] = []


def _record_gc_state(value: list[str]) -> list[str]:
    seen.append(gc.isenabled())
    return value


_WORDS = TypeAdapter(Annotated[list[str], AfterValidator(_record_gc_state)])


@pytest.fixture(autouse=True)
def _gc_enabled_after() -> Iterator[None]:
    seen.clear()
    yield
    gc.enable()


def _body(size: int) -> bytes:
    return orjson.dumps(["word"] * (size // 7 + 1))


def test_large_body_is_validated_with_gc_paused_and_gc_resumes() -> None:
    body = _body(GC_PAUSE_BYTES)
    assert len(body) >= GC_PAUSE_BYTES
    assert len(parse_json(_WORDS, body)) > 1
    assert seen == [False]
    assert gc.isenabled()


def test_small_body_leaves_gc_alone() -> None:
    assert parse_json(_WORDS, _body(100)) == ["word"] * 15
    assert seen == [True]


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"[" + b'"word",' * GC_PAUSE_BYTES, InvalidJSON),
        (orjson.dumps(["word"] * GC_PAUSE_BYTES + [5]), Invalid),
    ],
)
def test_gc_resumes_when_a_large_body_is_refused(body: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        parse_json(_WORDS, body)
    assert gc.isenabled()


def test_gc_paused_by_the_caller_stays_paused() -> None:
    gc.disable()
    parse_json(_WORDS, _body(GC_PAUSE_BYTES))
    assert not gc.isenabled()
