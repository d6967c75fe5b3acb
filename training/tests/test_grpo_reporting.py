"""A GRPO run reporting to a real tunix-rt server (conftest's ``server``): it fetches its prompts
and held-out prompts by dataset key, registers as a ``grpo`` run whose parent is the sft run it
continues, streams its reward metrics and held-out evaluations, and its rollouts become
``source=rollout`` traces that the server scores exactly as the trainer rewarded them."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tunix_rt_training.cli import main
from tunix_rt_training.runs import read_json, read_jsonl

from .conftest import DATASET, GRPO_CONFIG, KEY, TINY_CONFIG


def _api(server: httpx.Client) -> list[str]:
    return [f"api.url={server.base_url}", f"api.token={KEY}", f"data.dataset_key={DATASET}"]


@pytest.mark.slow
def test_grpo_reports_its_run_metrics_and_rollouts(server: httpx.Client, tmp_path: Path) -> None:
    sft_dir, grpo_dir = tmp_path / "sft", tmp_path / "grpo"
    sft_args = ["training.max_steps=4", "training.batch_size=2", "training.seq_len=384"]
    assert main(["sft", str(TINY_CONFIG), "data.path=null", *_api(server), *sft_args,
                 f"output.dir={sft_dir}"]) == 0  # fmt: skip
    assert main(
        [
            "grpo", str(GRPO_CONFIG), f"init.run_dir={sft_dir}", *_api(server),
            "data.eval_split=eval", "eval.every_steps=2", "eval.max_new_tokens=8",
            "training.max_steps=2", "training.batch_size=2", "grpo.num_generations=2",
            "rollout.max_prompt_length=256", "rollout.max_new_tokens=12",
            "report.rollouts_every=1", "api.metrics_batch_steps=1", f"output.dir={grpo_dir}",
        ]
    ) == 0  # fmt: skip
    sft_id = read_json(sft_dir / "run_manifest.json")["api_run_id"]
    manifest = read_json(grpo_dir / "run_manifest.json")
    run = server.get(f"/api/runs/{manifest['api_run_id']}").json()
    assert run["kind"] == "grpo"
    assert run["status"] == "succeeded"
    assert run["parent_run_id"] == sft_id
    assert run["dataset_key"] == DATASET
    assert run["config"]["rewards"] == {"format_exact": 1.0, "answer_match": 1.0}
    assert "held_out" in run["summary"]

    names = set(server.get(f"/api/runs/{run['id']}/metrics").json()["names"])
    assert {
        "loss", "kl", "reward/total", "reward/std", "reward/format_exact", "reward/answer_match",
        "groups/no_signal", "completion/mean_tokens", "tokens_per_second",
        "eval/answer_match", "eval/format_exact", "eval/reward",
    } <= names  # fmt: skip

    steps = server.get(f"/api/runs/{run['id']}/rollouts").json()["steps"]
    assert [step["step"] for step in steps] == [1, 2]
    assert all(step["completions"] == 4 for step in steps)
    for step in (1, 2):
        stored = server.get(f"/api/runs/{run['id']}/rollouts/{step}").json()
        local = read_jsonl(grpo_dir / "rollouts" / f"step-{step:06d}.jsonl")
        assert [g["prompt"] for g in stored["groups"]] == [g["prompt"] for g in local]
        for theirs, ours in zip(stored["groups"], local, strict=True):
            for stored_completion, completion in zip(
                theirs["completions"], ours["completions"], strict=True
            ):
                assert stored_completion["response"] == completion["response"]
                # The server scores with the same scorers the trainer rewarded with.
                assert stored_completion["scores"] == completion["rewards"]
                assert stored_completion["advantage"] == pytest.approx(completion["advantage"])
    traces = server.get(
        "/api/traces", params={"source": "rollout", "metadata.step": 1, "limit": 50}
    ).json()
    assert len(traces["items"]) == 4
    assert {item["run_id"] for item in traces["items"]} == {run["id"]}
