"""The typed Python client against a real server (`tunix-rt serve` on a loopback port)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import make_trace
from tunix_rt_backend.client import ApiError, Client
from tunix_rt_backend.data import gsm8k_file
from tunix_rt_backend.served import free_port, serve
from tunix_rt_backend.settings import Settings


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``tunix-rt serve`` on a fresh SQLite file, in a child process."""
    folder = tmp_path_factory.mktemp("client")
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder / 'client.db'}", datasets_dir=folder / "ds"
    )
    with serve(settings=settings) as served:
        yield served.url


def test_client_round_trip(server: str) -> None:
    with Client(server) as api:
        assert api.health()["status"] == "ok"
        trace = api.create_trace(
            prompt="What is 6 x 7?",
            steps=["6 x 7 = 42"],
            final_answer="42",
            reference_answer="42",
            source="client-test",
            tags=["demo"],
            metadata={"k": 1},
        )
        assert trace.steps[0].content == "6 x 7 = 42"
        assert api.score(trace.id, "answer_match").value == 1.0
        human = api.add_score(trace.id, name="clarity", value=5, label="clear")
        assert human.source == "human"
        assert [s.name for s in api.scores(trace.id)] == ["answer_match", "clarity"]

        ids = api.create_traces(
            (make_trace(i, source="client-test") for i in range(25)), batch_size=10
        )
        assert len(ids) == 25
        assert len(set(ids)) == 25
        assert ids == api.create_traces([make_trace(i, source="client-test") for i in range(25)])

        page = api.list_traces(source="client-test", limit=5)
        assert len(page.items) == 5
        assert page.next_cursor is not None
        every = list(api.iter_traces(source="client-test", limit=7))
        assert len(every) == 26
        assert len(list(api.iter_traces(source="client-test", metadata={"index": 3}))) == 1
        assert len(list(api.iter_traces(source="client-test", tags=["demo"]))) == 1

        full = api.get_trace(ids[0])
        assert full.metadata["index"] == 0
        comparison = api.compare(trace.id, ids[0])
        assert comparison.base.id == trace.id
        bulk = api.score_bulk("answer_match", filter={"source": "client-test"})
        assert bulk.scored == 25
        assert {s.name for s in api.scorers()} >= {"answer_match", "gsm8k_reward"}

        api.delete_trace(ids[0])
        with pytest.raises(ApiError) as missing:
            api.get_trace(ids[0])
        assert missing.value.status == 404
        assert missing.value.code == "not_found"
        with pytest.raises(ApiError) as invalid:
            api.create_trace(prompt=" ", final_answer="1")
        assert invalid.value.status == 422


def test_client_does_not_retry_refusals_and_gives_up_on_a_dead_server() -> None:
    with Client(f"http://127.0.0.1:{free_port()}", retries=1, timeout=2) as api:
        started = time.monotonic()
        with pytest.raises(httpx.TransportError):
            api.get_trace(uuid.uuid4())
        assert time.monotonic() - started < 10


def test_client_imports_builds_and_exports_a_dataset(server: str, tmp_path: Path) -> None:
    """A notebook's path: import GSM8K rows, build a split dataset, stream its export to a file
    (the same bytes as the HTTP export), and read it back as records."""
    sample = tmp_path / "gsm8k.jsonl"
    lines = gsm8k_file("test").read_text().splitlines()[:40]
    sample.write_text("\n".join(lines) + "\n")
    with Client(server) as api:
        imported = api.import_file(sample, "gsm8k", split="test")
        assert imported.created == 40
        assert api.import_file(sample, "gsm8k", split="test").existing == 40

        request = {
            "dataset_name": "client-gsm8k",
            "dataset_version": "v1",
            "filters": {"source": "gsm8k"},
            "selection_strategy": "random",
            "seed": 5,
            "limit": 30,
            "split": {"eval_fraction": 0.2},
        }
        assert api.preview_dataset(**request).selected == 30
        built = api.build_dataset(**request)
        assert built.trace_count == 30
        assert built.split_counts == {"train": 24, "eval": 6}
        assert built.dataset_key in {d.dataset_key for d in api.datasets()}
        assert api.dataset(built.dataset_key).checksum == built.checksum
        manifest = api.manifest(built.dataset_key)
        assert len(manifest["splits"]["train"]) == 24

        out = api.export_dataset(built.dataset_key, tmp_path / "train.jsonl", split="train")
        served = httpx.get(
            f"{server}/api/datasets/{built.dataset_key}/export.jsonl",
            params={"format": "tunix_sft", "split": "train"},
        )
        assert out.read_bytes() == served.content
        records = list(api.export_records(built.dataset_key, format="trace", split="eval"))
        assert [r["id"] for r in records] == manifest["splits"]["eval"]
        assert not list(tmp_path.glob(".*partial"))

        with pytest.raises(ApiError) as again:
            api.build_dataset(**request)
        assert again.value.status == 409
        with pytest.raises(ApiError) as unknown:
            api.export_dataset("none-v1", tmp_path / "none.jsonl")
        assert unknown.value.status == 404
        assert not (tmp_path / "none.jsonl").exists()


def test_client_records_and_reads_a_grpo_step(server: str) -> None:
    """The trainer's path for rollouts: record a step (safe to retry), list steps, read one."""
    run = httpx.post(f"{server}/api/runs", json={"kind": "grpo", "base_model": "tiny"}).json()
    groups = [
        {
            "group": 0,
            "item_id": "gsm8k-train-3",
            "prompt": "What is 6 x 7?",
            "reference_answer": "42",
            "completions": [
                {
                    "index": i,
                    "response": f"<reasoning>6 x 7</reasoning><answer>{a}</answer>",
                    "advantage": adv,
                    "reward": r,
                    "rewards": {"answer_match": r},
                }
                for i, (a, adv, r) in enumerate([("42", 1.0, 1.0), ("41", -1.0, 0.0)])
            ],
        }
    ]
    with Client(server) as api:
        stored = api.add_rollouts(run["id"], 5, groups, scorers=["answer_match"])
        assert (stored.step, stored.stored, stored.created) == (5, 2, True)
        again = api.add_rollouts(run["id"], 5, groups, scorers=["answer_match"])
        assert (again.trace_ids, again.created) == (stored.trace_ids, False)
        [summary] = api.rollout_steps(run["id"])
        assert (summary.step, summary.completions, summary.scores) == (5, 2, {"answer_match": 0.5})
        step = api.rollouts(run["id"], 5)
        right, wrong = step.groups[0].completions
        assert (right.final_answer, right.scores, wrong.advantage) == (
            "42",
            {"answer_match": 1.0},
            -1.0,
        )
        assert api.get_trace(right.trace_id).source == "rollout"
        with pytest.raises(ApiError) as unknown:
            api.add_rollouts(run["id"], 6, groups, scorers=["no_such_scorer"])
        assert (unknown.value.status, unknown.value.code) == (422, "validation_error")
        assert "no_such_scorer" in unknown.value.message
        with pytest.raises(ApiError) as missing:
            api.rollouts(run["id"], 6)
        assert missing.value.status == 404
