"""Score details the fuzzer's findings cover: numbers every store can hold, or a 422."""

from __future__ import annotations

from httpx import AsyncClient

from tests.conftest import make_trace


async def test_unstorable_details_are_422(client: AsyncClient) -> None:
    trace = (await client.post("/api/traces", json=make_trace(0))).json()
    path = f"/api/traces/{trace['id']}/scores"
    for details in ('{"votes": 18446744073709551616}', '{"p": Infinity}'):
        score = f'{{"name": "judge", "value": 1, "source": "judge", "details": {details}}}'
        headers = {"content-type": "application/json"}
        response = await client.post(path, content=score.encode(), headers=headers)
        assert response.status_code == 422, response.text
    assert (await client.get(path)).json() == []
