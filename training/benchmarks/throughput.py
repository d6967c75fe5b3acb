"""Training throughput: the runner against a bare Tunix loop, and packing's real-token share.

1. Runner vs bare ``PeftTrainer``: the same model init, optimizer and batches (packed GSM8K
   rows). The runner is ``tunix-rt-train sft`` (``run_sft``: hooks, metrics.jsonl, token counts,
   progress lines; checkpoints only at the end). The bare loop is a ``PeftTrainer`` with only
   the segment-aware input function packed rows need (and a clock-reading hook), fed a list of
   the same batches. Both are timed step by step after ``--warmup`` steps (compilation), over
   ``--repeats`` alternating runs, and compared by median step time; target ratio >= 0.9.
2. Real-token share: the share of token slots holding real tokens (not padding) when GSM8K's
   ``tunix_sft`` records are packed into rows, and when each example is padded to its own row;
   target >= 95 % packed.

    python training/benchmarks/throughput.py [--gsm8k PATH/train.jsonl] [--steps 30] [--repeats 3]

GSM8K rows are read from ``--gsm8k`` (the upstream ``{question, answer}`` JSONL), rendered with
the contracts package exactly as the server's ``tunix_sft`` export renders them; without it the
16-example sample in training/data is used.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from tunix_rt_backend.contracts import gsm8k_to_trace, tunix_sft_record
from tunix_rt_backend.data import gsm8k_file
from tunix_rt_training import data as data_lib
from tunix_rt_training import model as model_lib
from tunix_rt_training import tokenizer as tokenizer_lib
from tunix_rt_training.config import Config, load_config

TRAINING_DIR = Path(__file__).resolve().parents[1]
SAMPLE = TRAINING_DIR / "data" / "gsm8k_16.tunix_sft.jsonl"
TINY = TRAINING_DIR / "configs" / "sft_tiny.yaml"
Step = tuple[float, float]  # (wall seconds, process CPU seconds) of one training step
DEFAULT_GSM8K = gsm8k_file("train")  # the copy that ships with the backend package


def gsm8k_records(path: Path | None, limit: int) -> list[data_lib.SftRecord]:
    if path is None or not path.exists():
        return data_lib.parse_records(SAMPLE.read_bytes().splitlines(), str(SAMPLE))
    lines = []
    with path.open(encoding="utf-8") as handle:
        for index, line in enumerate(handle):
            if index >= limit:
                break
            row = json.loads(line)
            trace = gsm8k_to_trace(row["question"], row["answer"], id=f"gsm8k-{index}")
            lines.append(json.dumps(tunix_sft_record(trace)))
    return data_lib.parse_records(lines, str(path))


def real_token_share(
    records: list[data_lib.SftRecord], vocab: int, seq_lens: list[int]
) -> list[dict[str, Any]]:
    sp = tokenizer_lib.train_bpe([r.prompt + r.completion for r in records], vocab)
    results = []
    for seq_len in seq_lens:
        examples, dropped = data_lib.tokenize_records(sp, records, seq_len)
        packed = data_lib.pack(examples, seq_len, sp.pad_id())
        padded = data_lib.pad(examples, seq_len, sp.pad_id())
        lengths = [len(e) for e in examples]
        results.append(
            {
                "seq_len": seq_len,
                "examples": len(examples),
                "dropped_longer": dropped,
                "mean_tokens": round(float(np.mean(lengths)), 1),
                "rows_packed": len(packed),
                "rows_padded": len(padded),
                "real_share_packed": round(packed.fill, 4),
                "real_share_padded": round(padded.fill, 4),
            }
        )
    return results


def bench_config(out: Path, data: Path, steps: int, batch: int, seq_len: int) -> Config:
    return load_config(
        TINY,
        [
            f"data.path={data}",
            f"training.max_steps={steps}",
            f"training.batch_size={batch}",
            f"training.seq_len={seq_len}",
            f"training.checkpoint_every={steps * 10}",
            "training.log_every=1000000",
            f"output.dir={out}",
        ],
    )


def bare_loop(config: Config, run_dir: Path, warmup: int, steps: int) -> list[Step]:
    """(wall, CPU) seconds between consecutive steps of a bare PeftTrainer, after ``warmup``
    steps.

    The only addition to the bare trainer is a hook that reads the clock: it is called at the
    same point as the runner's hooks (after Tunix has fetched the step's loss), so both loops
    are timed alike."""
    from tunix.sft import hooks, peft_trainer

    from tunix_rt_training.lifecycle import learning_rate_schedule, make_optimizer

    class Clock(hooks.TrainingHooks):  # type: ignore[misc]
        def __init__(self) -> None:
            self.times: list[tuple[float, float]] = []

        def on_train_step_end(self, train_ctx: Any, step: int, loss: float) -> None:
            self.times.append((time.perf_counter(), time.process_time()))

        def on_train_start(self, train_ctx: Any) -> None:
            pass

        def on_train_end(self, train_ctx: Any) -> None:
            pass

        def on_train_step_start(self, train_ctx: Any) -> None:
            pass

        def on_eval_step_start(self, train_ctx: Any) -> None:
            pass

        def on_eval_step_end(self, train_ctx: Any, eval_loss: float) -> None:
            pass

    sp = tokenizer_lib.load(run_dir / tokenizer_lib.TOKENIZER_FILE)
    assert config.data.path is not None
    records = data_lib.parse_records(config.data.path.read_bytes().splitlines())
    examples, _ = data_lib.tokenize_records(sp, records, config.training.seq_len)
    rows = data_lib.build_rows(examples, config.training.seq_len, sp.pad_id(), True)
    batches = data_lib.BatchStream(rows, config.training.batch_size, config.training.seed).take(
        warmup + steps
    )
    mesh = model_lib.make_mesh(config.mesh)
    spec = model_lib.model_spec(config, vocab_size=sp.vocab_size())
    model = model_lib.build_model(config, spec, mesh)
    clock = Clock()
    with mesh:
        trainer = peft_trainer.PeftTrainer(
            model,
            make_optimizer(config, learning_rate_schedule(config)),
            peft_trainer.TrainingConfig(eval_every_n_steps=10**9, max_steps=warmup + steps),
        )
        trainer.with_gen_model_input_fn(model_lib.model_inputs)
        trainer.with_training_hooks(clock)
        trainer.train(batches)
    return intervals(clock.times, warmup)


def intervals(clock: list[tuple[float, float]], warmup: int) -> list[Step]:
    return [
        (b[0] - a[0], b[1] - a[1])
        for a, b in zip(clock[warmup - 1 : -1], clock[warmup:], strict=True)
    ]


def runner(config: Config, warmup: int, steps: int) -> tuple[list[Step], Path]:
    """(wall, CPU) seconds between consecutive steps of ``run_sft`` after ``warmup`` steps,
    read at the end of its per-step hook (its ``step_callback``)."""
    from tunix_rt_training.sft import StepMetrics, run_sft

    clock: list[tuple[float, float]] = []

    def tick(metrics: StepMetrics) -> None:
        clock.append((time.perf_counter(), time.process_time()))

    result = run_sft(config, step_callback=tick)
    assert len(clock) == warmup + steps, len(clock)
    return intervals(clock, warmup), result.run_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Training throughput: runner vs bare PeftTrainer; packing's real tokens."
    )
    parser.add_argument("--gsm8k", type=Path, default=DEFAULT_GSM8K)
    parser.add_argument("--limit", type=int, default=7473, help="GSM8K rows to read")
    parser.add_argument("--vocab", type=int, default=4000, help="BPE size for the token counts")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--seq-len", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=4, help="alternating runs of each loop")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="write the results here too")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message=r".*context manager has been deprecated")

    records = gsm8k_records(args.gsm8k, args.limit)
    share = real_token_share(records, args.vocab, [512, 1024])
    print(f"## Real-token share ({len(records)} GSM8K records, BPE vocab {args.vocab})\n")
    print("| seq_len | examples | mean tokens | rows packed | packed | rows padded | padded |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for row in share:
        print(
            f"| {row['seq_len']} | {row['examples']} | {row['mean_tokens']} | "
            f"{row['rows_packed']} | {row['real_share_packed']:.1%} | {row['rows_padded']} | "
            f"{row['real_share_padded']:.1%} |"
        )
    results: dict[str, Any] = {"real_token_share": share}

    if not args.skip_speed:
        with tempfile.TemporaryDirectory() as tmp:
            data_path = Path(tmp) / "bench.tunix_sft.jsonl"
            sample = records[: max(64, args.batch * 4)]
            data_path.write_text(
                "".join(
                    json.dumps(
                        {
                            "id": r.id,
                            "prompt": r.prompt,
                            "completion": r.completion,
                            "final_answer": r.final_answer,
                            "metadata": r.metadata,
                        }
                    )
                    + "\n"
                    for r in sample
                ),
                encoding="utf-8",
            )
            total = args.warmup + args.steps
            runner_steps: list[Step] = []
            bare_steps: list[Step] = []
            # Alternate the two loops and compare median step times: on a shared machine the
            # load changes from second to second, and the median ignores the disturbed steps.
            # CPU time per step (all threads) is reported too: other processes' load barely
            # moves it, so it shows the runner's own extra work even when wall time is noisy.
            # (Each repeat trains a run first: the bare loop reuses its tokenizer.) Odd repeats
            # time the bare loop first and then a second run, so neither always goes first.
            for repeat in range(args.repeats):
                config = bench_config(
                    Path(tmp) / f"run{repeat}", data_path, total, args.batch, args.seq_len
                )
                intervals, run_dir = runner(config, args.warmup, args.steps)
                if repeat % 2:
                    bare_steps += bare_loop(config, run_dir, args.warmup, args.steps)
                    config = bench_config(
                        Path(tmp) / f"again{repeat}", data_path, total, args.batch, args.seq_len
                    )
                    intervals, _ = runner(config, args.warmup, args.steps)
                    runner_steps += intervals
                else:
                    runner_steps += intervals
                    bare_steps += bare_loop(config, run_dir, args.warmup, args.steps)
            sp = tokenizer_lib.load(run_dir / tokenizer_lib.TOKENIZER_FILE)
            examples, _ = data_lib.tokenize_records(sp, sample, args.seq_len)
            rows = data_lib.build_rows(examples, args.seq_len, sp.pad_id(), True)
            batches = data_lib.BatchStream(rows, args.batch, config.training.seed).take(total)
            tokens = sum(data_lib.batch_real_tokens(b) for b in batches[args.warmup :])
        per_step = tokens / args.steps

        def median(values: list[Step], index: int) -> float:
            return float(np.median([value[index] for value in values]))

        runner_wall, bare_wall = median(runner_steps, 0), median(bare_steps, 0)
        runner_cpu, bare_cpu = median(runner_steps, 1), median(bare_steps, 1)
        speed = {
            "steps": args.steps,
            "batch": args.batch,
            "seq_len": args.seq_len,
            "repeats": args.repeats,
            "real_tokens_per_step": round(per_step, 1),
            "runner_median_step_s": round(runner_wall, 4),
            "bare_median_step_s": round(bare_wall, 4),
            "runner_median_step_cpu_s": round(runner_cpu, 4),
            "bare_median_step_cpu_s": round(bare_cpu, 4),
            "runner_tokens_per_s": round(per_step / runner_wall, 1),
            "bare_tokens_per_s": round(per_step / bare_wall, 1),
            "ratio": round(bare_wall / runner_wall, 3),
            "cpu_ratio": round(bare_cpu / runner_cpu, 3),
        }
        results["speed"] = speed
        print(
            f"\n## Runner vs bare PeftTrainer ({args.steps} steps after {args.warmup} warm-up, "
            f"batch {args.batch} x {args.seq_len}, tiny Gemma 3, median step of {args.repeats} "
            "alternating runs each)\n"
        )
        print("| loop | median step | real tokens/s | median step CPU time |")
        print("|---|---:|---:|---:|")
        print(
            f"| bare PeftTrainer | {bare_wall * 1000:.0f} ms | {speed['bare_tokens_per_s']:,.0f} | "
            f"{bare_cpu * 1000:.0f} ms |"
        )
        print(
            f"| tunix-rt-train sft | {runner_wall * 1000:.0f} ms | "
            f"{speed['runner_tokens_per_s']:,.0f} | {runner_cpu * 1000:.0f} ms |"
        )
        print(
            f"\nratio runner / bare: {speed['ratio']:.3f} wall, {speed['cpu_ratio']:.3f} CPU "
            "(target >= 0.9)"
        )
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    packed_ok = all(row["real_share_packed"] >= 0.95 for row in share)
    return 0 if packed_ok else 1


if __name__ == "__main__":
    sys.exit(main())
