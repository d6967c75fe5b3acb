"""Experiment: GRPO with format rewards fixes a tiny model's format on held-out GSM8K prompts.

A tiny Gemma 3 from scratch learns GSM8K's worked solutions in the ``<reasoning>`` /
``<answer>`` format by SFT; far too small to solve GSM8K, it mostly fails to close its answer
and repeats itself. GRPO from that checkpoint, rewarded by the workbench's strict
``format_exact`` (the exact format, no tags inside the fields, nothing after the answer), is
then evaluated on ``--held-out`` GSM8K *test* prompts, greedily, before and after, with
paired-bootstrap intervals (``tunix-rt-train report``). Besides the scorers it counts the
responses that ran to the token limit without stopping and those that repeat themselves (an
8-word sequence three times or more): looping.

    python training/benchmarks/gsm8k_format.py --out docs/figures
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from arithmetic_loop import GRPO, TINY, curve, timed
from plots import line_chart

from tunix_rt_backend.contracts import gsm8k_to_trace, tunix_sft_record
from tunix_rt_backend.contracts.records import prompt_only_record
from tunix_rt_backend.data import GSM8K_DIR
from tunix_rt_training import tokenizer as tokenizer_lib
from tunix_rt_training.runs import read_jsonl

DEFAULT_GSM8K = GSM8K_DIR  # the copy that ships with the backend package


def write_data(source: Path, work: Path, held_out: int) -> dict[str, Path]:
    out = {"sft": work / "train.tunix_sft.jsonl", "prompts": work / "train.prompt_only.jsonl",
           "held_out": work / "test.prompt_only.jsonl"}  # fmt: skip
    with (
        (source / "train.jsonl").open() as rows,
        out["sft"].open("w") as sft,
        out["prompts"].open("w") as prompts,
    ):
        for index, line in enumerate(rows):
            row = json.loads(line)
            trace = gsm8k_to_trace(row["question"], row["answer"], id=f"train-{index}")
            sft.write(json.dumps(tunix_sft_record(trace)) + "\n")
            prompts.write(json.dumps(prompt_only_record(trace)) + "\n")
    with (source / "test.jsonl").open() as rows, out["held_out"].open("w") as held:
        for index, line in enumerate(rows):
            if index >= held_out:
                break
            row = json.loads(line)
            trace = gsm8k_to_trace(row["question"], row["answer"], id=f"test-{index}")
            held.write(json.dumps(prompt_only_record(trace)) + "\n")
    return out


def looping(eval_dir: Path, run_dir: Path, max_new_tokens: int) -> dict[str, float]:
    """Share of responses that ran to the token limit, and of those repeating an 8-word
    sequence three times or more."""
    tokenizer = tokenizer_lib.load(run_dir / tokenizer_lib.TOKENIZER_FILE)
    rows = read_jsonl(eval_dir / "eval_outputs.jsonl")
    limit = repeats = 0
    for row in rows:
        text = row["response"]
        if len(tokenizer.encode(text)) >= max_new_tokens - 1:
            limit += 1
        words = text.split()
        grams = Counter(tuple(words[i : i + 8]) for i in range(max(0, len(words) - 7)))
        if grams and max(grams.values()) >= 3:
            repeats += 1
    return {"ran_to_limit": round(limit / len(rows), 4), "repeats": round(repeats / len(rows), 4)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gsm8k", type=Path, default=DEFAULT_GSM8K, help="train.jsonl, test.jsonl")
    parser.add_argument("--held-out", type=int, default=500, help="GSM8K test prompts")
    parser.add_argument("--sft-steps", type=int, default=1000)
    parser.add_argument("--grpo-steps", type=int, default=200)
    parser.add_argument("--max-new-tokens", type=int, default=256)
    parser.add_argument("--generations", type=int, default=4, help="completions per prompt")
    parser.add_argument(
        "--temperature",
        type=float,
        default=0.3,
        help="rollout temperature: low, so that rollouts loop as greedy decoding does",
    )
    parser.add_argument("--reuse-sft", action="store_true", help="keep --work's sft run")
    parser.add_argument("--work", type=Path, default=Path("artifacts/benchmarks/gsm8k"))
    parser.add_argument("--out", type=Path, default=Path("artifacts/benchmarks/gsm8k"))
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    data = write_data(args.gsm8k, args.work, args.held_out)
    tokens = args.max_new_tokens
    dirs = {n: args.work / n for n in ("sft", "grpo", "e_sft", "e_grpo")}
    evaluate = [f"data.path={data['held_out']}", f"eval.max_new_tokens={tokens}",
                "eval.batch_size=100"]  # fmt: skip
    sft_args = [
        f"data.path={data['sft']}",
        f"output.dir={dirs['sft']}",
        "tokenizer.vocab_size=2000",
        "training.seq_len=512",
        "training.batch_size=8",
        f"training.max_steps={args.sft_steps}",
        "training.learning_rate=0.003",
        "training.warmup_steps=50",
        f"training.checkpoint_every={args.sft_steps}",
        "training.log_every=100",
    ]
    grpo_args = [
        f"init.run_dir={dirs['sft']}",
        f"data.path={data['prompts']}",
        f"data.eval_path={data['held_out']}",
        "eval.limit=200",
        f"eval.every_steps={max(1, args.grpo_steps // 4)}",
        f"eval.max_new_tokens={tokens}",
        "rewards={format_exact: 1.0}",
        f"grpo.num_generations={args.generations}",
        "rollout.max_prompt_length=256",
        f"rollout.max_new_tokens={tokens}",
        f"rollout.temperature={args.temperature}",
        f"training.max_steps={args.grpo_steps}",
        f"output.dir={dirs['grpo']}",
    ]
    times: dict[str, dict[str, float]] = {}
    if not (args.reuse_sft and (dirs["sft"] / "run_manifest.json").exists()):
        times["sft"] = timed(["sft", TINY, *sft_args])
    times["grpo"] = timed(["grpo", GRPO, *grpo_args])
    for run, out in (("sft", "e_sft"), ("grpo", "e_grpo")):
        timed(["eval", TINY, *evaluate, f"checkpoint={dirs[run]}", f"output.dir={dirs[out]}"])
    report = args.out / "gsm8k_sft_vs_sft_grpo.md"
    timed(["report", str(dirs["e_sft"]), str(dirs["e_grpo"]), "--out", str(report)])
    results: dict[str, Any] = {
        "held_out": args.held_out,
        "sft_steps": args.sft_steps,
        "grpo_steps": args.grpo_steps,
        "rollout_temperature": args.temperature,
        "generations": args.generations,
        "times": times,
        "summaries": {
            "sft": json.loads((dirs["e_sft"] / "eval_summary.json").read_text()),
            "sft_grpo": json.loads((dirs["e_grpo"] / "eval_summary.json").read_text()),
        },
        "looping": {
            "sft": looping(dirs["e_sft"], dirs["sft"], tokens),
            "sft_grpo": looping(dirs["e_grpo"], dirs["grpo"], tokens),
        },
        "report": json.loads(report.with_suffix(".json").read_text())["scorers"],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "gsm8k_format.json").write_text(json.dumps(results, indent=2) + "\n")
    line_chart(
        {
            "format_exact": curve(dirs["grpo"], "eval/format_exact"),
            "answer_match": curve(dirs["grpo"], "eval/answer_match"),
        },
        args.out / "gsm8k_grpo_format.svg",
        title="GRPO on format: held-out GSM8K test prompts (first 200)",
        x_label="GRPO step (after SFT)",
        y_label="share of responses",
        y_range=(0.0, 1.0),
    )
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
