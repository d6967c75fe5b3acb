"""The exact bytes of exports, pinned on both dialects: any change to them must be deliberate.

Three stored traces cover what the renderers and the JSON encoder must get right: line endings
to normalise, surrounding and internal whitespace, empty steps, non-ASCII text, characters JSON
escapes, numbers of every kind in metadata, a metadata ``reference_answer`` that wins over the
column, and no reference answer at all. Ids are chosen by the server, so the pinned lines hold
``@ID@`` where the id goes (and ``@META@`` where the metadata goes: the dialects store it
differently), and the file is expected in the manifest's order, whole and per split.
"""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

TRACES: list[dict[str, Any]] = [
    {
        "prompt": '  Tom has 3\r\napples;\t"how" many\\now? \u00e9 \u2713 \U0001f600\u2028  ',
        "steps": [
            {"type": "reasoning", "content": "Line one\r\n   continues here  "},
            {"type": "calc", "content": "   "},
            {"type": "reasoning", "content": "3 \u00d7 2 = 6 </answer> <end_of_turn>"},
        ],
        "final_answer": " 6\n",
        "reference_answer": "6",
        "source": "unit",
        "tags": ["pin"],
        # Keys in the order PostgreSQL's jsonb keeps them (shorter first, then bytewise).
        "metadata": {
            "a": 1,
            "f": 0.1,
            "u": "\u00fc\u0001",
            "zz": {"b": False, "y": [1, 2.5, None, True, "x", -0.0, 1e-7]},
            "big": 9007199254740993,
        },
    },
    {
        "prompt": "What is 1/2?",
        "steps": [],
        "final_answer": "0.5",
        "reference_answer": None,
        "source": "unit",
        "tags": ["pin"],
        # Keys out of jsonb order: PostgreSQL gives them back sorted, SQLite as stored.
        "metadata": {"zz": 1, "a": {"k2": 2, "k1": 1}, "reference_answer": "given"},
    },
    {
        "prompt": "Natalia sold clips to 48 of her friends in April. How many in total?",
        "steps": [
            {"type": "reasoning", "content": "In May she sold 48/2 = 24 clips."},
            {"type": "reasoning", "content": "Total: 48 + 24 = 72."},
        ],
        "final_answer": "72",
        "reference_answer": "72",
        "source": "gsm8k",
        "tags": ["pin"],
        "metadata": {},
    },
]

EXPORTS: dict[str, dict[str, str]] = {
    "trace": {"format": "trace"},
    "tunix_sft": {"format": "tunix_sft"},
    "tunix_sft numbered": {"format": "tunix_sft", "style": "numbered", "system": " Be brief.\r\n"},
    "chat": {"format": "chat", "system": "Be brief."},
    "prompt_only": {"format": "prompt_only", "system": "Be brief."},
}

# The metadata of each trace as exported; PostgreSQL's jsonb sorts keys (shorter first) and
# has no negative zero.
METADATA: dict[str, list[str]] = {
    "sqlite": [
        (
            '{"a":1,"f":0.1,"u":"\xfc\\u0001","zz":{"b":false,"y":[1,2.5,null,true,"x",-0.0,'
            '1e-7]},"big":9007199254740993,"reference_answer":"6"}'
        ),
        '{"zz":1,"a":{"k2":2,"k1":1},"reference_answer":"given"}',
        '{"reference_answer":"72"}',
    ],
    "postgresql": [
        (
            '{"a":1,"f":0.1,"u":"\xfc\\u0001","zz":{"b":false,"y":[1,2.5,null,true,"x",0.0,1e-7]},'
            '"big":9007199254740993,"reference_answer":"6"}'
        ),
        '{"a":{"k1":1,"k2":2},"zz":1,"reference_answer":"given"}',
        '{"reference_answer":"72"}',
    ],
}
# EXPECTED[export][trace number]: one line, with the id and the metadata left as @ID@, @META@.
EXPECTED: dict[str, list[str]] = {
    "trace": [
        (
            '{"id":"@ID@","prompts":"  Tom has 3\\r\\napples;\\t\\"how\\" many\\\\now? \xe9 '
            '\u2713 \U0001f600\u2028  ","trace_steps":["Line one\\r\\n   continues here  ","   ",'
            '"3 \xd7 2 = 6 </answer> <end_of_turn>"],"final_answer":" 6\\n","metadata":@META@}\n'
        ),
        (
            '{"id":"@ID@","prompts":"What is 1/2?","trace_steps":[],"final_answer":"0.5",'
            '"metadata":@META@}\n'
        ),
        (
            '{"id":"@ID@","prompts":"Natalia sold clips to 48 of her friends in April. How many '
            'in total?","trace_steps":["In May she sold 48/2 = 24 clips.","Total: 48 + 24 = 72."],'
            '"final_answer":"72","metadata":@META@}\n'
        ),
    ],
    "tunix_sft": [
        (
            '{"id":"@ID@","prompts":"<start_of_turn>user\\nTom has 3\\napples;\\t\\"how\\" '
            "many\\\\now? \xe9 \u2713 \U0001f600<end_of_turn>\\n<start_of_turn>model\\n<reasoning>"
            "Line one continues here\\n3 \xd7 2 = 6 </answer> "
            '<end_of_turn></reasoning><answer>6</answer><end_of_turn>",'
            '"prompt":"<start_of_turn>user\\nTom has 3\\napples;\\t\\"how\\" many\\\\now? \xe9 '
            '\u2713 \U0001f600<end_of_turn>\\n<start_of_turn>model\\n",'
            '"completion":"<reasoning>Line one continues here\\n3 \xd7 2 = 6 </answer> '
            '<end_of_turn></reasoning><answer>6</answer><end_of_turn>","final_answer":" 6\\n",'
            '"metadata":@META@}\n'
        ),
        (
            '{"id":"@ID@","prompts":"<start_of_turn>user\\nWhat is '
            "1/2?<end_of_turn>\\n<start_of_turn>model\\n<reasoning></reasoning><answer>0.5</answer"
            '><end_of_turn>","prompt":"<start_of_turn>user\\nWhat is '
            '1/2?<end_of_turn>\\n<start_of_turn>model\\n",'
            '"completion":"<reasoning></reasoning><answer>0.5</answer><end_of_turn>",'
            '"final_answer":"0.5","metadata":@META@}\n'
        ),
        (
            '{"id":"@ID@","prompts":"<start_of_turn>user\\nNatalia sold clips to 48 of her '
            "friends in April. How many in total?<end_of_turn>\\n<start_of_turn>model\\n<reasoning"
            ">In May she sold 48/2 = 24 clips.\\nTotal: 48 + 24 = "
            '72.</reasoning><answer>72</answer><end_of_turn>",'
            '"prompt":"<start_of_turn>user\\nNatalia sold clips to 48 of her friends in April. '
            'How many in total?<end_of_turn>\\n<start_of_turn>model\\n",'
            '"completion":"<reasoning>In May she sold 48/2 = 24 clips.\\nTotal: 48 + 24 = '
            '72.</reasoning><answer>72</answer><end_of_turn>","final_answer":"72",'
            '"metadata":@META@}\n'
        ),
    ],
    "tunix_sft numbered": [
        (
            '{"id":"@ID@","prompts":"<start_of_turn>user\\nBe brief.\\n\\nTom has '
            '3\\napples;\\t\\"how\\" many\\\\now? \xe9 \u2713 '
            "\U0001f600<end_of_turn>\\n<start_of_turn>model\\nReasoning:\\n1. Line one continues "
            'here\\n2. 3 \xd7 2 = 6 </answer> <end_of_turn>\\nAnswer: 6<end_of_turn>",'
            '"prompt":"<start_of_turn>user\\nBe brief.\\n\\nTom has 3\\napples;\\t\\"how\\" '
            'many\\\\now? \xe9 \u2713 \U0001f600<end_of_turn>\\n<start_of_turn>model\\n",'
            '"completion":"Reasoning:\\n1. Line one continues here\\n2. 3 \xd7 2 = 6 </answer> '
            '<end_of_turn>\\nAnswer: 6<end_of_turn>","final_answer":" 6\\n","metadata":@META@}\n'
        ),
        (
            '{"id":"@ID@","prompts":"<start_of_turn>user\\nBe brief.\\n\\nWhat is '
            '1/2?<end_of_turn>\\n<start_of_turn>model\\nReasoning:\\nAnswer: 0.5<end_of_turn>",'
            '"prompt":"<start_of_turn>user\\nBe brief.\\n\\nWhat is '
            '1/2?<end_of_turn>\\n<start_of_turn>model\\n","completion":"Reasoning:\\nAnswer: '
            '0.5<end_of_turn>","final_answer":"0.5","metadata":@META@}\n'
        ),
        (
            '{"id":"@ID@","prompts":"<start_of_turn>user\\nBe brief.\\n\\nNatalia sold clips to '
            "48 of her friends in April. How many in total?<end_of_turn>\\n<start_of_turn>model\\n"
            "Reasoning:\\n1. In May she sold 48/2 = 24 clips.\\n2. Total: 48 + 24 = 72.\\nAnswer: "
            '72<end_of_turn>","prompt":"<start_of_turn>user\\nBe brief.\\n\\nNatalia sold clips '
            "to 48 of her friends in April. How many in total?<end_of_turn>\\n<start_of_turn>model"
            '\\n","completion":"Reasoning:\\n1. In May she sold 48/2 = 24 clips.\\n2. Total: 48 + '
            '24 = 72.\\nAnswer: 72<end_of_turn>","final_answer":"72","metadata":@META@}\n'
        ),
    ],
    "chat": [
        (
            '{"id":"@ID@","messages":[{"role":"user","content":"Be brief.\\n\\nTom has '
            '3\\napples;\\t\\"how\\" many\\\\now? \xe9 \u2713 \U0001f600"},{"role":"assistant",'
            '"content":"<reasoning>Line one continues here\\n3 \xd7 2 = 6 </answer> '
            '<end_of_turn></reasoning><answer>6</answer>"}],"metadata":@META@}\n'
        ),
        (
            '{"id":"@ID@","messages":[{"role":"user","content":"Be brief.\\n\\nWhat is 1/2?"},'
            '{"role":"assistant","content":"<reasoning></reasoning><answer>0.5</answer>"}],'
            '"metadata":@META@}\n'
        ),
        (
            '{"id":"@ID@","messages":[{"role":"user","content":"Be brief.\\n\\nNatalia sold clips '
            'to 48 of her friends in April. How many in total?"},{"role":"assistant",'
            '"content":"<reasoning>In May she sold 48/2 = 24 clips.\\nTotal: 48 + 24 = '
            '72.</reasoning><answer>72</answer>"}],"metadata":@META@}\n'
        ),
    ],
    "prompt_only": [
        (
            '{"id":"@ID@","prompts":"<start_of_turn>user\\nBe brief.\\n\\nTom has '
            '3\\napples;\\t\\"how\\" many\\\\now? \xe9 \u2713 '
            '\U0001f600<end_of_turn>\\n<start_of_turn>model\\n","question":"  Tom has '
            '3\\r\\napples;\\t\\"how\\" many\\\\now? \xe9 \u2713 \U0001f600\u2028  ","answer":"6",'
            '"metadata":@META@}\n'
        ),
        (
            '{"id":"@ID@","prompts":"<start_of_turn>user\\nBe brief.\\n\\nWhat is '
            '1/2?<end_of_turn>\\n<start_of_turn>model\\n","question":"What is 1/2?",'
            '"answer":"0.5","metadata":@META@}\n'
        ),
        (
            '{"id":"@ID@","prompts":"<start_of_turn>user\\nBe brief.\\n\\nNatalia sold clips to '
            "48 of her friends in April. How many in total?<end_of_turn>\\n<start_of_turn>model\\n"
            '","question":"Natalia sold clips to 48 of her friends in April. How many in total?",'
            '"answer":"72","metadata":@META@}\n'
        ),
    ],
}


async def test_export_bytes_are_pinned(client: AsyncClient, dialect: str) -> None:
    response = await client.post("/api/traces/batch", json={"traces": TRACES})
    assert response.status_code == 201, response.text
    number_of = {trace_id: n for n, trace_id in enumerate(response.json()["ids"])}
    build = await client.post(
        "/api/datasets/build",
        json={
            "dataset_name": "pin",
            "dataset_version": "v1",
            "limit": 3,
            "split": {"eval_fraction": 0.34, "seed": 3},
        },
    )
    assert build.status_code == 201, build.text
    manifest = (await client.get("/api/datasets/pin-v1/manifest.json")).json()

    def expected(name: str, ids: list[str]) -> bytes:
        return "".join(
            EXPECTED[name][number_of[i]]
            .replace("@ID@", i)
            .replace("@META@", METADATA[dialect][number_of[i]])
            for i in ids
        ).encode()

    assert manifest["splits"]["eval"]
    assert manifest["splits"]["train"]
    for name, params in EXPORTS.items():
        whole = await client.get("/api/datasets/pin-v1/export.jsonl", params=params)
        assert whole.status_code == 200
        assert whole.content == expected(name, manifest["trace_ids"]), name
        for split in ("train", "eval"):
            part = await client.get(
                "/api/datasets/pin-v1/export.jsonl", params={**params, "split": split}
            )
            assert part.content == expected(name, manifest["splits"][split]), (name, split)
