"""The proof of the loop on problems the model never trained on, through the commands users run.

Arithmetic word problems are generated and curated with ``tunix-rt`` (a dataset with a held-out
split: no held-out prompt is ever trained on). As collected traces often are, most training
traces give only the answer; a quarter show their work. A tiny Gemma 3 from scratch is then:

1. evaluated on the held-out problems (it answers almost none);
2. fine-tuned (``tunix-rt-train sft``) and evaluated again: it answers a clear share, mostly
   without showing its work, as most of its training traces did;
3. reinforced from that checkpoint (``tunix-rt-train grpo``) with the workbench's strict scorers
   as the reward, ``format_exact`` (work shown in the exact format) and ``answer_match``, and
   evaluated again.

The reward GRPO optimises must rise on the held-out problems with the paired-bootstrap 95 %
interval of the gain above 0 (``tunix-rt-train report --rewards-of``). The run's own held-out
evaluation after its last step must equal the separate evaluation of its checkpoint.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tunix_rt_training.cli import main
from tunix_rt_training.runs import read_json, read_jsonl

from .conftest import TINY_CONFIG, TRAINING_DIR

GRPO_CONFIG = TRAINING_DIR / "configs" / "grpo_tiny.yaml"
PROBLEMS = ["--steps", "2-3", "--operands", "1-9", "--start", "1-20"]
SFT_STEPS = 200
GRPO_STEPS = 30
EVAL = ["eval.max_new_tokens=48", "eval.batch_size=100"]
# The model's and GRPO's seed. The config was chosen to pass with 0, 1 and 2 (docs/training.md).
SEED = int(os.environ.get("TUNIX_RT_LOOP_SEED", "0"))


def _tunix_rt(tmp_path: Path, *args: str) -> str:
    env = {
        "TUNIX_RT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'loop.db'}",
        "TUNIX_RT_DATASETS_DIR": str(tmp_path / "datasets"),
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [str(Path(sys.executable).parent / "tunix-rt"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _arithmetic_dataset(tmp_path: Path) -> dict[str, Path]:
    """1,500 worked problems and 4,500 answer-only ones, built into a dataset with 5 % of the
    prompts held out, exported for SFT (tunix_sft) and GRPO and evaluation (prompt_only)."""
    _tunix_rt(tmp_path, "import", "arithmetic", "--count", "1500", "--seed", "0", *PROBLEMS)
    _tunix_rt(
        tmp_path, "import", "arithmetic", "--count", "4500", "--seed", "1", *PROBLEMS,
        "--answer-only",
    )  # fmt: skip
    _tunix_rt(
        tmp_path, "dataset", "build", "--name", "arith", "--version", "v1", "--limit", "6000",
        "--source", "arithmetic", "--strategy", "random", "--seed", "0", "--eval-fraction", "0.05",
    )  # fmt: skip
    files = {
        "sft": ("tunix_sft", "train"),
        "prompts": ("prompt_only", "train"),
        "held_out": ("prompt_only", "eval"),
    }
    out = {}
    for name, (export_format, split) in files.items():
        out[name] = tmp_path / f"{name}.jsonl"
        _tunix_rt(
            tmp_path, "dataset", "export", "arith-v1", "--format", export_format,
            "--split", split, "--out", str(out[name]),
        )  # fmt: skip
    return out


def _summary(path: Path) -> dict[str, float]:
    summary: dict[str, float] = json.loads((path / "eval_summary.json").read_text())
    return summary


@pytest.mark.slow
def test_sft_then_grpo_raise_held_out_scores_through_the_cli(tmp_path: Path) -> None:
    data = _arithmetic_dataset(tmp_path)
    held_out = [json.loads(line) for line in data["held_out"].read_text().splitlines()]
    trained = {json.loads(line)["prompts"] for line in data["prompts"].read_text().splitlines()}
    assert len(held_out) == 300
    assert not trained & {record["prompts"] for record in held_out}

    base, sft, after_sft = tmp_path / "before", tmp_path / "sft", tmp_path / "after_sft"
    grpo, after_grpo = tmp_path / "grpo", tmp_path / "after_grpo"
    tiny, evaluate = str(TINY_CONFIG), [f"data.path={data['held_out']}", *EVAL]
    seed = f"training.seed={SEED}"

    assert main(["eval", tiny, *evaluate, seed, f"output.dir={base}"]) == 0
    assert main(
        [
            "sft", tiny, f"data.path={data['sft']}", f"output.dir={sft}",
            f"training.max_steps={SFT_STEPS}", "training.seq_len=256", "training.batch_size=16",
            "training.learning_rate=0.003", "training.warmup_steps=20",
            f"training.checkpoint_every={SFT_STEPS}", seed,
        ]
    ) == 0  # fmt: skip
    assert main(["eval", tiny, *evaluate, f"checkpoint={sft}", f"output.dir={after_sft}"]) == 0
    assert main(
        [
            "grpo", str(GRPO_CONFIG), f"init.run_dir={sft}", f"data.path={data['prompts']}",
            f"data.eval_path={data['held_out']}", "eval.every_steps=10", f"output.dir={grpo}",
            f"training.max_steps={GRPO_STEPS}", seed,
        ]
    ) == 0  # fmt: skip
    assert main(["eval", tiny, *evaluate, f"checkpoint={grpo}", f"output.dir={after_grpo}"]) == 0

    # SFT: from (almost) no right answer to a clear share of them.
    assert _summary(base)["answer_match"] <= 0.1
    assert _summary(after_sft)["answer_match"] >= 0.15

    # GRPO: the reward it optimised rises on the held-out problems, interval above 0.
    report = tmp_path / "grpo_report.md"
    assert main(["report", str(after_sft), str(after_grpo), "--rewards-of", str(grpo),
                 "--out", str(report)]) == 0  # fmt: skip
    delta = json.loads(report.with_suffix(".json").read_text())["scorers"]
    low, high = delta["reward"]["ci95"]
    assert 0 < low <= delta["reward"]["delta"] <= high
    assert delta["format_exact"]["delta"] > 0
    assert "**reward**" in report.read_text()

    manifest = read_json(grpo / "run_manifest.json")
    assert manifest["kind"] == "grpo"
    assert manifest["status"] == "succeeded"
    assert manifest["parent"]["run_dir"] == str(sft.resolve())
    assert manifest["rewards"] == {"format_exact": 1.0, "answer_match": 1.0}
    rows = read_jsonl(grpo / "metrics.jsonl")
    assert [row["step"] for row in rows] == list(range(1, GRPO_STEPS + 1))
    for key in ("loss", "kl", "reward/total", "reward/std", "reward/format_exact",
                "reward/answer_match", "groups/no_signal", "completion/mean_tokens",
                "tokens_per_second"):  # fmt: skip
        assert all(key in row for row in rows), key
    assert sorted(p.name for p in (grpo / "rollouts").iterdir()) == [
        f"step-{step:06d}.jsonl" for step in range(10, GRPO_STEPS + 1, 10)
    ]

    # The run's held-out evaluations: before its first step it is the SFT checkpoint, after
    # its last the GRPO checkpoint, exactly as evaluated apart.
    evals = {row["step"]: row for row in read_jsonl(grpo / "evals.jsonl")}
    assert sorted(evals) == list(range(0, GRPO_STEPS + 1, 10))
    for step, evaluation in ((0, after_sft), (GRPO_STEPS, after_grpo)):
        for name, value in _summary(evaluation).items():
            if name != "count":
                assert evals[step][f"eval/{name}"] == pytest.approx(value), (step, name)
