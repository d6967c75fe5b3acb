"""``tunix-rt-train``: argument parsing only.

    tunix-rt-train sft CONFIG [key=value …]
    tunix-rt-train grpo CONFIG [init.run_dir=SFT_RUN_DIR] [key=value …]
    tunix-rt-train eval CONFIG [checkpoint=RUN_DIR] [key=value …]
    tunix-rt-train report BEFORE_DIR AFTER_DIR [--out delta_report.md]

Exit codes: 0 done, 2 a configuration or input problem (the message says what to change),
130 interrupted (a checkpoint was written; run the same command again to resume), 1 a crash.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from tunix_rt_training.config import Config, ConfigError, load_config


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tunix-rt-train",
        description="Fine-tune (SFT), reinforce (GRPO) and evaluate Gemma models with Tunix; "
        "report to tunix-rt.",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="also log every request to the server and the libraries' INFO messages",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("sft", "train: tunix-rt-train sft training/configs/sft_tiny.yaml training.max_steps=50"),
        (
            "grpo",
            "reinforce: tunix-rt-train grpo training/configs/grpo_tiny.yaml init.run_dir=SFT_RUN",
        ),
        ("eval", "generate and score: tunix-rt-train eval CONFIG [checkpoint=RUN_DIR]"),
    ):
        command = commands.add_parser(name, help=text, description=text)
        command.add_argument("config", help="YAML config file (see training/configs/)")
        command.add_argument(
            "overrides",
            nargs="*",
            metavar="key=value",
            help="dotted overrides, e.g. training.max_steps=10 model.lora.rank=8",
        )
    plan = commands.add_parser(
        "plan",
        help="memory per device before a run: tunix-rt-train plan CONFIG [k=v ...] --device v5e",
        description="Build the configured model abstractly (no weights), shard it on the "
        "configured mesh and print parameters and bytes per device.",
    )
    plan.add_argument("config", help="YAML config file (see training/configs/)")
    plan.add_argument("overrides", nargs="*", metavar="key=value", help="dotted overrides")
    plan.add_argument("--device", default=None, help="say whether it fits: v5e, v4, h100, …")
    plan.add_argument(
        "--kind",
        choices=("sft", "grpo"),
        default=None,
        help="the run to plan (default: grpo for a config with grpo/rollout/rewards keys)",
    )
    plan.add_argument("--json", action="store_true", help="print the plan as JSON")
    export = commands.add_parser(
        "export",
        help="write a run's model (LoRA merged) for transformers or Kaggle: "
        "tunix-rt-train export RUN_DIR --format safetensors --out DIR",
    )
    export.add_argument("run_dir", type=Path, help="a training run directory (sft or grpo)")
    export.add_argument(
        "--format",
        choices=("safetensors", "orbax"),
        default="safetensors",
        help="safetensors: a Hugging Face checkpoint (config.json + model.safetensors); "
        "orbax: the upstream Gemma layout of Kaggle's Flax checkpoints",
    )
    export.add_argument("--out", type=Path, required=True, help="a new directory")
    export.add_argument("--step", type=int, default=None, help="a checkpoint step (default latest)")
    report = commands.add_parser("report", help="before/after delta of two evaluation directories")
    report.add_argument("before", type=Path, help="evaluation directory of the base model")
    report.add_argument("after", type=Path, help="evaluation directory of the trained model")
    report.add_argument(
        "--out", type=Path, default=None, help="write the markdown here (and a .json next to it)"
    )
    report.add_argument("--examples", type=int, default=3, help="examples side by side")
    report.add_argument(
        "--resamples", type=int, default=2_000, help="bootstrap resamples (the server's 2,000)"
    )
    report.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    report.add_argument(
        "--reward",
        action="append",
        default=[],
        metavar="NAME=WEIGHT",
        help="add a row for the weighted sum of these scorers (repeatable)",
    )
    report.add_argument(
        "--rewards-of",
        type=Path,
        default=None,
        metavar="GRPO_RUN_DIR",
        help="add a row for the reward a grpo run optimised (its rewards' weights)",
    )
    return parser


def _quiet_libraries(verbose: bool = False) -> None:
    """Keep the console to our progress lines: Tunix logs every step at INFO through absl, and
    httpx every request to the server (each metrics post) at INFO; ``--verbose`` keeps them."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if verbose:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    warnings.filterwarnings("ignore", message=r".*`with mesh:` context manager")
    try:
        from absl import logging as absl_logging

        absl_logging.set_verbosity(absl_logging.WARNING)
    except ImportError:  # absl comes with the training extras; without them nothing to quiet
        pass
    for noisy in ("absl", "jax", "orbax", "tensorstore", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "report":
        return _report(args)
    _quiet_libraries(args.verbose)
    if args.command == "export":
        return _export(args)
    if args.command == "plan":
        return _plan(args)
    from tunix_rt_training.data import DataError
    from tunix_rt_training.model import ModelError
    from tunix_rt_training.reporting import ApiError
    from tunix_rt_training.runs import RunError
    from tunix_rt_training.tokenizer import TokenizerError

    try:
        config = load_config(Path(args.config), args.overrides)
        if args.command == "sft":
            return _sft(config)
        if args.command == "grpo":
            return _grpo(config)
        return _eval(config)
    except (ConfigError, DataError, ModelError, RunError, TokenizerError, ApiError) as exc:
        print(f"tunix-rt-train {args.command}: {exc}", file=sys.stderr)
        return 2


def _sft(config: Config) -> int:
    from tunix_rt_training.sft import Interrupted, run_sft

    try:
        result = run_sft(config)
    except Interrupted as exc:
        print(f"tunix-rt-train sft: {exc}", file=sys.stderr)
        return 130
    first = result.metrics[0]["loss"] if result.metrics else None
    last = result.metrics[-1]["loss"] if result.metrics else None
    print(
        f"run {result.run_id}: {result.status} at step {result.final_step}"
        + (f"; loss {first:.4f} -> {last:.4f}" if first is not None and last is not None else "")
        + f"\nrun directory: {result.run_dir}"
        + (f"\nserver run id: {result.api_run_id}" if result.api_run_id else "")
    )
    return 0


def _grpo(config: Config) -> int:
    from tunix_rt_training.grpo import Interrupted, run_grpo

    try:
        result = run_grpo(config)
    except Interrupted as exc:
        print(f"tunix-rt-train grpo: {exc}", file=sys.stderr)
        return 130
    rewards = [row["reward/total"] for row in result.metrics if "reward/total" in row]
    print(
        f"run {result.run_id}: {result.status} at step {result.final_step}"
        + (f"; reward {rewards[0]:.4f} -> {rewards[-1]:.4f}" if rewards else "")
        + f"\nrun directory: {result.run_dir}"
        + (f"\nserver run id: {result.api_run_id}" if result.api_run_id else "")
    )
    return 0


def _eval(config: Config) -> int:
    from tunix_rt_training.evaluate import run_eval

    result = run_eval(config)
    scores = ", ".join(f"{k} {v:.3f}" for k, v in result.summary.items() if k != "count")
    print(
        f"evaluated {int(result.summary['count'])} records: {scores}\n"
        f"outputs: {result.out_dir}"
        + (f"\nserver evaluation id: {result.evaluation_id}" if result.evaluation_id else "")
    )
    return 0


def _plan(args: argparse.Namespace) -> int:
    import json

    from tunix_rt_training import tokenizer as tokenizer_lib
    from tunix_rt_training.model import ModelError
    from tunix_rt_training.overrides import read_yaml
    from tunix_rt_training.plan import PlanError, plan, render

    try:
        config = load_config(Path(args.config), args.overrides)
        kind = args.kind
        if kind is None:
            raw = read_yaml(Path(args.config))
            kind = "grpo" if {"grpo", "rollout", "rewards", "init"} & set(raw) else "sft"
        vocab = 0
        if config.tokenizer.path is not None and config.tokenizer.path.is_file():
            vocab = tokenizer_lib.load(config.tokenizer.path).vocab_size()
        result = plan(config, kind, args.device, vocab)
    except (ConfigError, PlanError, ModelError) as exc:
        print(f"tunix-rt-train plan: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_json(), indent=2) if args.json else render(result))
    return 0 if result.fits is not False else 1


def _export(args: argparse.Namespace) -> int:
    from tunix_rt_training.export import ExportError, export_run
    from tunix_rt_training.lora import LoraMergeError
    from tunix_rt_training.model import ModelError
    from tunix_rt_training.runs import RunError
    from tunix_rt_training.tokenizer import TokenizerError

    try:
        done = export_run(args.run_dir, args.format, args.out, args.step)
    except (ExportError, ConfigError, LoraMergeError, ModelError, RunError, TokenizerError) as exc:
        print(f"tunix-rt-train export: {exc}", file=sys.stderr)
        return 2
    print(
        f"exported step {done.step} ({done.parameters:,} parameters) as {done.format} to "
        f"{done.out_dir}"
    )
    return 0


def _report(args: argparse.Namespace) -> int:
    from tunix_rt_training.report import parse_weights, write_report
    from tunix_rt_training.runs import RunError

    try:
        weights = parse_weights(args.reward, args.rewards_of)
        _, text = write_report(
            args.before, args.after, args.out, args.examples, args.resamples, args.seed, weights
        )
    except RunError as exc:
        print(f"tunix-rt-train report: {exc}", file=sys.stderr)
        return 2
    if args.out is None:
        print(text)
    else:
        print(f"wrote {args.out}")
    return 0


def entry() -> None:
    """Console-script entry point."""
    sys.exit(main())


if __name__ == "__main__":
    entry()
