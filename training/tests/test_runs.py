"""Checkpoints: Ctrl-C leaves a resumable run that continues exactly where it stopped, and a
restored checkpoint generates exactly what the trained model did."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import numpy as np
import pytest

from tunix_rt_training import evaluate, loading, runs
from tunix_rt_training import model as model_lib
from tunix_rt_training.config import Config, load_config
from tunix_rt_training.runs import RunError, read_jsonl
from tunix_rt_training.sft import Interrupted, SftResult, StepMetrics, run_sft

from .conftest import SAMPLE_DATA, TINY_CONFIG


def small(out: Path, *extra: str) -> Config:
    return load_config(
        TINY_CONFIG,
        [
            f"data.path={SAMPLE_DATA}",
            "data.limit=8",
            "training.max_steps=12",
            "training.batch_size=2",
            "training.warmup_steps=2",
            "training.checkpoint_every=4",
            "training.log_every=100",
            "eval.max_new_tokens=24",
            f"output.dir={out}",
            *extra,
        ],
    )


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> SftResult:
    return run_sft(small(tmp_path_factory.mktemp("reference")))


@pytest.mark.slow
def test_interrupted_run_resumes_with_the_losses_of_an_uninterrupted_one(
    reference: SftResult, tmp_path: Path
) -> None:
    run_dir = tmp_path / "run"

    def press_ctrl_c(metrics: StepMetrics) -> None:
        if metrics.step == 5:
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(Interrupted, match="run the same command again to resume"):
        run_sft(small(run_dir), step_callback=press_ctrl_c)
    manifest = json.loads((run_dir / "run_manifest.json").read_text())
    assert manifest["status"] == "cancelled"
    stopped = manifest["final_step"]
    assert stopped in (5, 6)  # the step in flight when Ctrl-C came is completed
    assert stopped in manifest["checkpoint_steps"]
    assert [row["step"] for row in read_jsonl(run_dir / "metrics.jsonl")] == list(
        range(1, stopped + 1)
    )
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

    resumed = run_sft(small(run_dir))
    assert resumed.start_step == stopped
    assert resumed.final_step == 12
    rows = read_jsonl(run_dir / "metrics.jsonl")
    assert [row["step"] for row in rows] == list(range(1, 13))
    np.testing.assert_allclose(
        [row["loss"] for row in rows], [row["loss"] for row in reference.metrics], rtol=1e-5
    )
    assert json.loads((run_dir / "run_manifest.json").read_text())["status"] == "succeeded"

    # Running it again finds the run complete and trains nothing.
    again = run_sft(small(run_dir))
    assert again.start_step == again.final_step == 12
    assert len(read_jsonl(run_dir / "metrics.jsonl")) == 12


def test_resume_refuses_a_different_config(reference: SftResult) -> None:
    with pytest.raises(RunError, match=r"training\.learning_rate: 0\.01 -> 0\.5"):
        run_sft(small(reference.run_dir, "training.learning_rate=0.5"))


@pytest.mark.slow
def test_restored_checkpoint_generates_what_the_trained_model_did(reference: SftResult) -> None:
    config = small(reference.run_dir)
    mesh = model_lib.make_mesh(config.mesh)
    records = runs.load_data(config, None).records[:4]
    prompts = [record.prompt for record in records]
    spec = model_lib.model_spec(config, vocab_size=reference.tokenizer.vocab_size())
    trained = loading.LoadedModel(
        reference.model, reference.tokenizer, spec, "in memory", None, None, 12, {}
    )
    in_memory = evaluate.generate(trained, prompts, config, mesh)

    restore_config = small(reference.run_dir, f"checkpoint={reference.run_dir}")
    restored = loading.load_run(reference.run_dir, mesh)
    assert restored.step == 12
    assert evaluate.generate(restored, prompts, restore_config, mesh) == in_memory

    untrained = loading.LoadedModel(
        model_lib.build_model(config, spec, mesh),
        reference.tokenizer,
        spec,
        "init",
        None,
        None,
        None,
        {},
    )
    assert evaluate.generate(untrained, prompts, config, mesh) != in_memory


@pytest.mark.slow
def test_sft_evaluates_its_held_out_records_during_training(tmp_path: Path) -> None:
    result = run_sft(
        small(
            tmp_path / "run",
            f"data.eval_path={SAMPLE_DATA}",
            "eval.every_steps=6",
            "eval.limit=4",
            "eval.max_new_tokens=8",
        )
    )
    evals = read_jsonl(result.run_dir / "evals.jsonl")
    assert [row["step"] for row in evals] == [0, 6, 12]
    for row in evals:
        assert row["count"] == 4
        assert {"eval/answer_match", "eval/format_exact", "eval/loss"} <= set(row)
    # Validation loss on held-out records falls as the model learns their format.
    assert evals[-1]["eval/loss"] < evals[0]["eval/loss"]
    outputs = read_jsonl(result.run_dir / "evals" / "step-000012.jsonl")
    assert len(outputs) == 4
    assert all("response" in row and "scores" in row for row in outputs)
    # Training rows stay training rows: one per step, no evaluation keys.
    rows = read_jsonl(result.run_dir / "metrics.jsonl")
    assert [row["step"] for row in rows] == list(range(1, 13))
    assert not any(key.startswith("eval/") for row in rows for key in row)
    manifest = json.loads((result.run_dir / "run_manifest.json").read_text())
    assert manifest["held_out"]["eval/loss"] == evals[-1]["eval/loss"]
    assert manifest["held_out_before"]["eval/loss"] == evals[0]["eval/loss"]
