"""The proof of learning, through the CLI users run: on 16 GSM8K examples a tiny Gemma 3
goes from no correct answers to (nearly) all, and its loss falls by more than half."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tunix_rt_backend.contracts import gsm8k_to_trace, tunix_sft_record
from tunix_rt_backend.data import gsm8k_file
from tunix_rt_training.cli import main
from tunix_rt_training.runs import read_jsonl

SCORERS = {"answer_match", "format_exact", "format_approx", "gsm8k_reward"}


@pytest.mark.slow
def test_sft_tiny_learns_gsm8k_before_and_after(
    tiny_config: Path, sample_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config, data = str(tiny_config), f"data.path={sample_data}"
    before, run, after = tmp_path / "before", tmp_path / "run", tmp_path / "after"

    assert main(["eval", config, data, f"output.dir={before}"]) == 0
    assert main(["sft", config, data, f"output.dir={run}"]) == 0
    assert main(["eval", config, data, f"checkpoint={run}", f"output.dir={after}"]) == 0
    report = tmp_path / "delta_report.md"
    assert main(["report", str(before), str(after), "--out", str(report)]) == 0
    printed = capsys.readouterr().out
    assert "loss" in printed
    assert str(run) in printed

    summary_before = json.loads((before / "eval_summary.json").read_text())
    summary_after = json.loads((after / "eval_summary.json").read_text())
    assert set(summary_after) == SCORERS | {"count"}
    assert summary_before["count"] == summary_after["count"] == 16
    assert summary_before["answer_match"] <= 0.1
    assert summary_after["answer_match"] >= 0.75
    assert summary_after["format_exact"] >= 0.75

    metrics = read_jsonl(run / "metrics.jsonl")
    assert [row["step"] for row in metrics] == list(range(1, 101))
    assert set(metrics[0]) == {"step", "loss", "learning_rate", "tokens_per_second", "elapsed_s"}
    assert metrics[-1]["loss"] < metrics[0]["loss"] / 2
    assert all(row["tokens_per_second"] > 0 for row in metrics[1:])

    manifest = json.loads((run / "run_manifest.json").read_text())
    for key in (
        "config",
        "seed",
        "git_sha",
        "dataset_key",
        "dataset_checksum",
        "versions",
        "tokenizer",
    ):
        assert key in manifest, key
    assert manifest["status"] == "succeeded"
    assert manifest["config"]["training"]["max_steps"] == 100
    assert len(manifest["dataset_checksum"]) == 64  # SHA-256 hex, like the server's
    assert manifest["versions"]["google-tunix"] == "0.1.7"
    assert manifest["tokenizer"]["kind"] == "bpe-trained"
    assert (run / "tokenizer.model").exists()
    assert 100 in manifest["checkpoint_steps"]

    outputs = read_jsonl(after / "eval_outputs.jsonl")
    assert len(outputs) == 16
    for key in ("prompt", "response", "final_answer", "reference_answer", "scores"):
        assert key in outputs[0], key
    assert set(outputs[0]["scores"]) == SCORERS
    assert not outputs[0]["response"].endswith("<end_of_turn>")

    text = report.read_text()
    assert "| answer_match | " in text
    assert "## Fixed (" in text
    assert json.loads(report.with_suffix(".json").read_text())["paired"] == 16


def test_the_base_model_evaluates_on_records_other_than_the_bundled_ones(
    tiny_config: Path, tmp_path: Path
) -> None:
    """The README's "before" step on any records: preset tiny trains its tokenizer on these 16
    (fewer pieces than the configured vocabulary) and the untrained model samples any id of its
    embedding; every one decodes (no "piece id is out of range")."""
    rows = gsm8k_file("test").read_text().splitlines()[500:516]
    data = tmp_path / "other.jsonl"
    with data.open("w") as out:
        for index, line in enumerate(rows):
            row = json.loads(line)
            trace = gsm8k_to_trace(row["question"], row["answer"])
            out.write(json.dumps({**tunix_sft_record(trace), "id": f"test-{500 + index}"}) + "\n")
    before = tmp_path / "before"
    argv = ["eval", str(tiny_config), f"data.path={data}", f"output.dir={before}"]
    assert main([*argv, "eval.max_new_tokens=64", "eval.temperature=1.0"]) == 0
    outputs = read_jsonl(before / "eval_outputs.jsonl")
    assert len(outputs) == 16
    assert json.loads((before / "eval_summary.json").read_text())["count"] == 16
