"""Experiment: the SFT -> GRPO loop on multi-step arithmetic, with held-out intervals.

A tiny Gemma 3 from scratch, on CPU, through the commands users run (``tunix-rt-train sft``,
``grpo``, ``eval``, ``report``, called in this process):

1. show-your-work SFT on worked problems (``<reasoning>`` one operation per line
   ``</reasoning><answer>``), its held-out scores every ``--eval-every`` steps;
2. GRPO from that checkpoint, rewarded by ``answer_match`` and ``format_exact``;
3. answer-only SFT: the same problems, the same steps, without the worked steps.

The held-out problems (``--held-out``, never trained on) are evaluated greedily at every stage;
``tunix-rt-train report`` gives paired-bootstrap 95 % intervals for SFT vs SFT + GRPO and for
show-your-work vs answer-only SFT. Wall and CPU time of each command are measured. Results go
to ``--out`` as ``arithmetic_loop.json``, ``arithmetic_loop.md`` and SVG learning curves.

    python training/benchmarks/arithmetic_loop.py --out docs/figures [--sft-steps 1200]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from plots import line_chart

from tunix_rt_backend.contracts import TraceContent, tunix_sft_record
from tunix_rt_backend.contracts.arithmetic import ArithmeticSpec, generate_arithmetic
from tunix_rt_backend.contracts.records import prompt_only_record
from tunix_rt_training.cli import main as cli
from tunix_rt_training.runs import read_json, read_jsonl

TRAINING_DIR = Path(__file__).resolve().parents[1]
TINY = str(TRAINING_DIR / "configs" / "sft_tiny.yaml")
GRPO = str(TRAINING_DIR / "configs" / "grpo_tiny.yaml")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(argv: Sequence[str]) -> dict[str, float]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    code = cli(list(argv))
    if code != 0:
        raise SystemExit(f"tunix-rt-train {argv[0]} exited {code}")
    return {"wall_s": round(time.perf_counter() - wall, 1), "cpu_s": round(cpu_seconds() - cpu, 1)}


def write_data(folder: Path, args: argparse.Namespace) -> dict[str, Path]:
    spec = ArithmeticSpec(
        count=args.train + args.held_out,
        seed=args.seed,
        min_steps=args.steps[0],
        max_steps=args.steps[1],
        operand_min=args.operands[0],
        operand_max=args.operands[1],
        start_min=args.start[0],
        start_max=args.start[1],
    )
    worked = generate_arithmetic(spec)
    bare = generate_arithmetic(spec.model_copy(update={"answer_only": True}))
    order = list(range(len(worked)))
    random.Random(args.seed).shuffle(order)
    held = set(order[: args.held_out])
    files: dict[str, tuple[list[TraceContent], Callable[[TraceContent], dict[str, Any]]]] = {
        "worked": ([t for i, t in enumerate(worked) if i not in held], tunix_sft_record),
        "answer_only": ([t for i, t in enumerate(bare) if i not in held], tunix_sft_record),
        "prompts": ([t for i, t in enumerate(worked) if i not in held], prompt_only_record),
        "held_out": ([t for i, t in enumerate(worked) if i in held], prompt_only_record),
    }
    paths = {}
    for name, (traces, render) in files.items():
        paths[name] = folder / f"{name}.jsonl"
        with paths[name].open("w", encoding="utf-8") as handle:
            for trace in traces:
                index = trace.metadata["generator"]["index"]
                record = render(trace.model_copy(update={"id": f"arith-{index}"}))
                handle.write(json.dumps(record) + "\n")
    return paths


def curve(run_dir: Path, name: str, offset: int = 0) -> list[tuple[float, float]]:
    return [(row["step"] + offset, row[name]) for row in read_jsonl(run_dir / "evals.jsonl")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    span = lambda text: tuple(int(v) for v in text.split("-"))  # noqa: E731
    parser.add_argument("--steps", type=span, default=(2, 3), help="operations per problem")
    parser.add_argument("--operands", type=span, default=(1, 9))
    parser.add_argument("--start", type=span, default=(1, 9))
    parser.add_argument("--train", type=int, default=6000)
    parser.add_argument("--held-out", type=int, default=300)
    parser.add_argument("--sft-steps", type=int, default=1200)
    parser.add_argument("--grpo-steps", type=int, default=60)
    parser.add_argument("--eval-every", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=Path("artifacts/benchmarks/arithmetic"))
    parser.add_argument("--out", type=Path, default=Path("artifacts/benchmarks/arithmetic"))
    args = parser.parse_args(argv)
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    data = write_data(work, args)
    evaluate = [f"data.path={data['held_out']}", "eval.max_new_tokens=48", "eval.batch_size=100"]
    sft_common = [
        f"training.max_steps={args.sft_steps}", "training.seq_len=256",
        "training.batch_size=16", "training.learning_rate=0.003", "training.warmup_steps=20",
        f"training.checkpoint_every={args.sft_steps}", "training.log_every=100",
        f"training.seed={args.seed}", f"data.eval_path={data['held_out']}",
        f"eval.every_steps={args.eval_every}", "eval.max_new_tokens=48", "eval.batch_size=100",
    ]  # fmt: skip
    dirs = {name: work / name for name in ("sft", "grpo", "sft_answer_only", "e_sft", "e_grpo",
                                           "e_answer_only")}  # fmt: skip
    times = {
        "sft": timed(["sft", TINY, f"data.path={data['worked']}", f"output.dir={dirs['sft']}",
                      *sft_common]),
        "grpo": timed(["grpo", GRPO, f"init.run_dir={dirs['sft']}",
                       f"data.path={data['prompts']}", f"data.eval_path={data['held_out']}",
                       f"eval.every_steps={max(1, args.grpo_steps // 6)}",
                       f"training.max_steps={args.grpo_steps}", f"training.seed={args.seed}",
                       f"output.dir={dirs['grpo']}"]),
        "sft_answer_only": timed(["sft", TINY, f"data.path={data['answer_only']}",
                                  f"output.dir={dirs['sft_answer_only']}", *sft_common]),
    }  # fmt: skip
    for run, out in (("sft", "e_sft"), ("grpo", "e_grpo"), ("sft_answer_only", "e_answer_only")):
        timed(["eval", TINY, *evaluate, f"checkpoint={dirs[run]}", f"output.dir={dirs[out]}"])
    reports = {}
    for name, before, after, extra in (
        ("sft_vs_sft_grpo", "e_sft", "e_grpo", ["--rewards-of", str(dirs["grpo"])]),
        ("answer_only_vs_worked", "e_answer_only", "e_sft", []),
    ):
        out = args.out / f"arithmetic_{name}.md"
        timed(["report", str(dirs[before]), str(dirs[after]), "--out", str(out), *extra])
        reports[name] = json.loads(out.with_suffix(".json").read_text())["scorers"]

    summaries = {
        name: json.loads((dirs[out] / "eval_summary.json").read_text())
        for name, out in (("sft", "e_sft"), ("sft_grpo", "e_grpo"),
                          ("sft_answer_only", "e_answer_only"))
    }  # fmt: skip
    total = {k: times["sft"][k] + times["grpo"][k] for k in ("wall_s", "cpu_s")}
    results: dict[str, Any] = {
        "problems": {"steps": args.steps, "operands": args.operands, "start": args.start,
                     "train": args.train, "held_out": args.held_out, "seed": args.seed},
        "sft_steps": args.sft_steps, "grpo_steps": args.grpo_steps, "times": times,
        "sft_plus_grpo": total, "held_out": summaries, "reports": reports,
        "grpo_rewards": read_json(dirs["grpo"] / "run_manifest.json")["rewards"],
    }  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "arithmetic_loop.json").write_text(json.dumps(results, indent=2) + "\n")
    sft_curve = curve(dirs["sft"], "eval/answer_match")
    line_chart(
        {
            "show-your-work SFT": sft_curve,
            "then GRPO": curve(dirs["grpo"], "eval/answer_match", offset=args.sft_steps),
            "answer-only SFT": curve(dirs["sft_answer_only"], "eval/answer_match"),
        },
        args.out / "arithmetic_answer_match.svg",
        title=f"Held-out answer_match ({args.held_out} arithmetic problems never trained on)",
        x_label="training step (GRPO continues after SFT)",
        y_label="answer_match",
        y_range=(0.0, 1.0),
    )
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
