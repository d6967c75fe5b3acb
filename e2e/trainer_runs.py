"""Real runs for the dashboard's trainer specs: the tiny SFT -> GRPO loop against a running server.

Usage: python e2e/trainer_runs.py BASE_URL WORK_DIR  (prints one JSON line: what it made)

Against the server at BASE_URL it generates 800 arithmetic word problems (with worked steps),
builds the dataset `arith-v1` with 5 % held out, and runs the real trainer (tunix-rt-train, the
tiny configs; Tunix PeftTrainer, GRPOLearner and Sampler on CPU), as docs/training.md's loop does
at a smaller scale: an SFT run evaluated on the held-out problems every 50 steps, a GRPO run from
its checkpoint (held-out evaluations and rollouts every 3 steps), and an evaluation of each
checkpoint on the held-out split. Every number the trainer specs check comes from these runs.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import httpx
from tunix_rt_training.cli import main
from tunix_rt_training.runs import read_json

REPO = Path(__file__).resolve().parents[1]
TINY_SFT = REPO / "training" / "configs" / "sft_tiny.yaml"
TINY_GRPO = REPO / "training" / "configs" / "grpo_tiny.yaml"
DATASET = "arith-v1"
PROBLEMS = 800


def seed(client: httpx.Client) -> None:
    spec = {"count": PROBLEMS, "seed": 0, "min_steps": 2, "max_steps": 3, "operand_min": 1,
            "operand_max": 9, "start_min": 1, "start_max": 9}  # fmt: skip
    client.post("/api/sources/arithmetic/generate", json=spec).raise_for_status()
    build = {
        "dataset_name": "arith",
        "dataset_version": "v1",
        "filters": {"source": "arithmetic"},
        "selection_strategy": "random",
        "seed": 0,
        "limit": PROBLEMS,
        "split": {"eval_fraction": 0.05},
    }
    client.post("/api/datasets/build", json=build).raise_for_status()


def train(base: str, work: Path) -> dict[str, str]:
    api = [
        f"api.url={base}",
        f"data.dataset_key={DATASET}",
        "api.metrics_batch_steps=1",
    ]
    sft, grpo = work / "sft", work / "grpo"
    sft_args = [
        "training.max_steps=150", "training.seq_len=256", "training.batch_size=16",
        "training.learning_rate=0.003", "training.warmup_steps=20", "training.log_every=10",
        "data.eval_split=eval", "eval.every_steps=50", "eval.max_new_tokens=48",
    ]  # fmt: skip
    if main(["sft", str(TINY_SFT), "data.path=null", "run_name=arith-sft", *api, *sft_args,
             f"output.dir={sft}"]) != 0:  # fmt: skip
        raise SystemExit("the sft run failed")
    grpo_args = [
        "training.max_steps=6", "training.batch_size=4", "grpo.num_generations=4",
        "data.eval_split=eval", "eval.every_steps=3", "eval.max_new_tokens=48",
        "report.rollouts_every=3", "training.log_every=1",
    ]  # fmt: skip
    if main(["grpo", str(TINY_GRPO), f"init.run_dir={sft}", "run_name=arith-grpo", *api,
             *grpo_args, f"output.dir={grpo}"]) != 0:  # fmt: skip
        raise SystemExit("the grpo run failed")
    for name, checkpoint in (("arith-sft on eval", sft), ("arith-grpo on eval", grpo)):
        evaluate = ["eval", str(TINY_SFT), "data.path=null", f"checkpoint={checkpoint}",
                    f"api.url={base}", f"data.dataset_key={DATASET}", "data.split=eval",
                    "eval.max_new_tokens=48", f"eval.name={name}",
                    f"output.dir={work / name.split()[0]}-eval"]  # fmt: skip
        if main(evaluate) != 0:
            raise SystemExit(f"the evaluation {name!r} failed")
    return {
        "sftRunId": read_json(sft / "run_manifest.json")["api_run_id"],
        "grpoRunId": read_json(grpo / "run_manifest.json")["api_run_id"],
    }


if __name__ == "__main__":
    base_url, work_dir = sys.argv[1], Path(sys.argv[2])
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    with httpx.Client(base_url=base_url, timeout=120) as http:
        seed(http)
    made = train(base_url, work_dir)
    print("E2E_TRAINER " + json.dumps(made), flush=True)
