"""score_completion (what a trainer computes) equals what POST /api/evaluations stores."""

from __future__ import annotations

from httpx import AsyncClient

from tunix_rt_backend.contracts import score_completion
from tunix_rt_backend.contracts.scorers import get_scorer

SCORERS = ["answer_match", "format_exact", "format_approx", "gsm8k_reward", "baseline"]

RESPONSES = [
    ("<reasoning>48/2 = 24\n48 + 24 = 72</reasoning><answer>72</answer>", "72"),
    ("<reasoning>48/2 = 24\n48 + 24 = 72</reasoning>", "72"),
    ("<reasoning> + + +</reasoning><answer></answer></answer></answer>", "72"),
    ("<reasoning>r</reasoning><answer>3 or 72</answer>", "72"),
    ("<reasoning>r</reasoning><answer>$1,234.</answer><end_of_turn>", "1234"),
    ("<reasoning>r</reasoning><answer>72</answer>\nThanks!", "72"),
    ("The answer is 72.", "72"),
    ("Paris", None),
]


async def test_stored_scores_equal_score_completion(client: AsyncClient) -> None:
    items = [
        {"item_id": f"i{n}", "prompt": f"question {n}", "response": text, "reference_answer": ref}
        for n, (text, ref) in enumerate(RESPONSES)
    ]
    response = await client.post(
        "/api/evaluations",
        json={"name": "agree", "model": "m", "scorers": SCORERS, "items": items},
    )
    assert response.status_code == 201, response.text
    evaluation_id = response.json()["id"]
    page = await client.get(f"/api/evaluations/{evaluation_id}/items", params={"limit": 100})
    stored = {item["item_id"]: item for item in page.json()["items"]}
    distinct = set()
    for n, (text, ref) in enumerate(RESPONSES):
        expected = score_completion(text, ref, SCORERS)
        assert stored[f"i{n}"]["scores"] == expected, text
        distinct.add(tuple(expected.values()))
        trace = (await client.get(f"/api/traces/{stored[f'i{n}']['trace_id']}")).json()
        versions = {s["name"]: s["version"] for s in trace["scores"]}
        assert versions == {name: get_scorer(name).version for name in SCORERS}
    assert len(distinct) > 4  # the responses really score differently
