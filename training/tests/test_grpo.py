"""``tunix-rt-train grpo`` as a run: it continues an sft run (full or LoRA), Ctrl-C leaves a run
that resumes to exactly the metrics and rollouts of an uninterrupted one, and its checkpoint
evaluates as the model it trained."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import jax
import numpy as np
import pytest
from flax import nnx

from tunix_rt_training import evaluate, loading, runs
from tunix_rt_training import model as model_lib
from tunix_rt_training.config import Config, load_config
from tunix_rt_training.grpo import GrpoResult, Interrupted, run_grpo
from tunix_rt_training.hooks import StepMetrics
from tunix_rt_training.runs import read_json, read_jsonl
from tunix_rt_training.sft import SftResult, run_sft

from .conftest import GRPO_CONFIG, SAMPLE_DATA, TINY_CONFIG

STEPS = 4


def sft(out: Path, *extra: str) -> Config:
    return load_config(
        TINY_CONFIG,
        [
            f"data.path={SAMPLE_DATA}",
            "data.limit=8",
            "training.max_steps=8",
            "training.batch_size=2",
            "training.checkpoint_every=8",
            "training.log_every=100",
            f"output.dir={out}",
            *extra,
        ],
    )


def grpo(parent: Path, out: Path, *extra: str) -> Config:
    return load_config(
        GRPO_CONFIG,
        [
            f"init.run_dir={parent}",
            f"data.path={SAMPLE_DATA}",
            "data.limit=8",
            f"training.max_steps={STEPS}",
            "training.batch_size=2",
            "training.checkpoint_every=2",
            "training.log_every=100",
            "grpo.num_generations=2",
            "rollout.max_prompt_length=256",
            "rollout.max_new_tokens=16",
            "report.rollouts_every=1",
            f"output.dir={out}",
            *extra,
        ],
    )


@pytest.fixture(scope="module")
def parent(tmp_path_factory: pytest.TempPathFactory) -> SftResult:
    return run_sft(sft(tmp_path_factory.mktemp("sft")))


@pytest.fixture(scope="module")
def reference(parent: SftResult, tmp_path_factory: pytest.TempPathFactory) -> GrpoResult:
    return run_grpo(grpo(parent.run_dir, tmp_path_factory.mktemp("grpo")))


def _rollouts(run_dir: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((run_dir / "rollouts").iterdir())}


@pytest.mark.slow
def test_grpo_continues_the_sft_run_and_records_each_step(
    parent: SftResult, reference: GrpoResult
) -> None:
    manifest = read_json(reference.run_dir / "run_manifest.json")
    assert manifest["kind"] == "grpo"
    assert manifest["status"] == "succeeded"
    assert manifest["final_step"] == STEPS
    assert manifest["parent"]["run_dir"] == str(parent.run_dir.resolve())
    assert manifest["parent"]["step"] == 8
    # The model and tokenizer are the parent's, whatever the grpo config says.
    assert (
        manifest["tokenizer"]["fingerprint"]
        == read_json(parent.run_dir / "run_manifest.json")["tokenizer"]["fingerprint"]
    )
    rows = read_jsonl(reference.run_dir / "metrics.jsonl")
    assert [row["step"] for row in rows] == list(range(1, STEPS + 1))
    assert all(0 <= row["groups/no_signal"] <= 1 for row in rows)
    assert list(_rollouts(reference.run_dir)) == [f"step-{s:06d}.jsonl" for s in (1, 2, 3, 4)]
    group = read_jsonl(reference.run_dir / "rollouts" / "step-000001.jsonl")[0]
    assert len(group["completions"]) == 2
    assert set(group["completions"][0]["rewards"]) == {"format_exact", "answer_match"}


@pytest.mark.slow
def test_interrupted_grpo_resumes_to_the_uninterrupted_metrics_and_rollouts(
    parent: SftResult, reference: GrpoResult, tmp_path: Path
) -> None:
    run_dir = tmp_path / "run"

    def press_ctrl_c(metrics: StepMetrics) -> None:
        if metrics.step == 1:
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(Interrupted, match="run the same command again to resume"):
        run_grpo(grpo(parent.run_dir, run_dir), step_callback=press_ctrl_c)
    manifest = read_json(run_dir / "run_manifest.json")
    assert manifest["status"] == "cancelled"
    stopped = manifest["final_step"]
    assert stopped in (2, 3)  # the hook reports a step once the next one has trained
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler

    resumed = run_grpo(grpo(parent.run_dir, run_dir))
    assert resumed.start_step == stopped
    assert resumed.final_step == STEPS
    rows = read_jsonl(run_dir / "metrics.jsonl")
    expected = read_jsonl(reference.run_dir / "metrics.jsonl")
    assert [row["step"] for row in rows] == list(range(1, STEPS + 1))
    for key in ("loss", "reward/total", "groups/no_signal", "completion/mean_tokens"):
        np.testing.assert_allclose(
            [row[key] for row in rows], [row[key] for row in expected], rtol=1e-5, atol=1e-7
        )
    assert _rollouts(run_dir) == _rollouts(reference.run_dir)


@pytest.mark.slow
def test_a_grpo_checkpoint_evaluates_as_the_trained_model(reference: GrpoResult) -> None:
    config = load_config(TINY_CONFIG, [f"data.path={SAMPLE_DATA}", "eval.max_new_tokens=16"])
    mesh = model_lib.make_mesh(config.mesh)
    restored = loading.load_run(reference.run_dir, mesh)
    assert restored.step == STEPS
    trained = loading.LoadedModel(
        reference.model, reference.tokenizer, restored.spec, "trained", None, None, STEPS, {}
    )
    prompts = [r.prompt for r in runs.load_prompts(config, None).records[:3]]
    assert evaluate.generate(restored, prompts, config, mesh) == evaluate.generate(
        trained, prompts, config, mesh
    )


@pytest.mark.slow
def test_grpo_with_lora_starts_from_a_lora_sft_policy_and_trains_only_adapters(
    tmp_path: Path,
) -> None:
    lora = "model.lora={rank: 4, alpha: 8.0}"
    parent = run_sft(sft(tmp_path / "sft", lora, "training.max_steps=2"))
    mesh = model_lib.make_mesh(parent_config(parent).mesh)

    # The starting policy folds the parent's adapters into its weights: same logits.
    policy = loading.load_policy(parent.run_dir, mesh).model
    assert not model_lib.is_lora(policy)
    batch = _batch()
    np.testing.assert_allclose(
        np.asarray(model_lib.forward_logits(policy, batch)),
        np.asarray(model_lib.forward_logits(parent.model, batch)),
        atol=1e-5,
    )
    trained_b = [  # the parent's adapters were trained: B is no longer its zero init
        leaf
        for path, leaf in jax.tree_util.tree_leaves_with_path(
            nnx.state(parent.model, nnx.LoRAParam)
        )
        if "_lora_b" in jax.tree_util.keystr(path)
    ]
    assert trained_b
    assert any(float(np.abs(np.asarray(b)).max()) > 0 for b in trained_b)

    result = run_grpo(grpo(parent.run_dir, tmp_path / "grpo", lora, "training.max_steps=2"))
    assert model_lib.is_lora(result.model)
    restored = loading.load_run(result.run_dir, mesh)  # rebuilds the parent's policy first
    np.testing.assert_allclose(
        np.asarray(model_lib.forward_logits(restored.model, batch)),
        np.asarray(model_lib.forward_logits(result.model, batch)),
        atol=1e-5,
    )


def parent_config(parent: SftResult) -> Config:
    return load_config(TINY_CONFIG, [f"output.dir={parent.run_dir}"])


def _batch() -> dict[str, np.ndarray]:
    tokens = np.arange(4, 36, dtype=np.int32)[None]
    return {
        "input_tokens": tokens,
        "input_mask": np.ones_like(tokens),
        "segment_ids": np.ones_like(tokens),
        "positions": np.arange(32, dtype=np.int32)[None],
    }
