"""Inputs the fuzzer found answered with a 500 by evaluations; now each is a clear 422."""

from __future__ import annotations

from httpx import AsyncClient


def _body(**extra: object) -> dict[str, object]:
    item = {"item_id": "q1", "prompt": "What is 1 + 1?", "response": "<answer>2</answer>"}
    return {"name": "base", "model": "tiny", "items": [item], **extra}


async def test_offset_beyond_any_page_is_422(client: AsyncClient) -> None:
    created = await client.post("/api/evaluations", json=_body())
    assert created.status_code == 201, created.text
    items = f"/api/evaluations/{created.json()['id']}/items"
    response = await client.get(items, params={"offset": 2**63})
    assert response.status_code == 422
    past_the_end = await client.get(items, params={"offset": 2**31 - 1})
    assert past_the_end.status_code == 200
    assert past_the_end.json()["items"] == []


async def test_unstorable_numbers_are_422_and_store_nothing(client: AsyncClient) -> None:
    item = f'{{"item_id": "q", "prompt": "p", "response": "r", "metadata": {{"n": {2**64}}}}}'
    for raw in (
        '{"name": "e", "model": "m", "config": {"temperature": NaN}, "items": [' + item + "]}",
        '{"name": "e", "model": "m", "items": [' + item + "]}",
    ):
        headers = {"content-type": "application/json"}
        response = await client.post("/api/evaluations", content=raw.encode(), headers=headers)
        assert response.status_code == 422, response.text
    assert (await client.get("/api/evaluations")).json()["items"] == []
