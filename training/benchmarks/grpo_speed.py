"""GRPO and evaluation speed: the runner against bare Tunix on the same work.

1. A GRPO step of ``tunix-rt-train grpo`` (``run_grpo``: the scorers as rewards with their shared
   cache, the rollout recorder, metrics.jsonl, rollout files, progress lines) against a bare
   ``GRPOLearner`` over the same ``RLCluster`` settings, the same starting policy (a short sft
   run), the same prompts in the same order and the same per-step sampling seeds (so both
   sample the same tokens), rewarded by the same scorers called one by one. A step is timed
   from the moment its batch is taken (its rollouts start) to the moment the next one is; the
   first ``--warmup`` steps (compilation) and the last (the final checkpoint) are left out.
   Repeats alternate the two; medians are compared. Target ratio (bare / runner) >= 0.9.
2. Evaluation generation: the :class:`~tunix_rt_training.evaluate.Generator` that
   ``tunix-rt-train eval`` and held-out evaluation use against a bare ``Sampler`` loop with the
   same cache, batches and settings, on the same held-out prompts; each timed after one
   untimed call (compilation). Target ratio >= 0.9.

    python training/benchmarks/grpo_speed.py [--steps 20] [--repeats 3] [--json out.json]

The prompts are generated arithmetic problems (``tunix_rt_backend.contracts.arithmetic``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from tunix_rt_backend.contracts import score_completion, tunix_sft_record
from tunix_rt_backend.contracts.arithmetic import ArithmeticSpec, generate_arithmetic
from tunix_rt_backend.contracts.records import prompt_only_record

TRAINING_DIR = Path(__file__).resolve().parents[1]
TINY = TRAINING_DIR / "configs" / "sft_tiny.yaml"
GRPO = TRAINING_DIR / "configs" / "grpo_tiny.yaml"


def write_data(folder: Path, count: int) -> tuple[Path, Path]:
    spec = ArithmeticSpec(count=count, seed=0, operand_max=9, start_min=1, start_max=20)
    traces = generate_arithmetic(spec)
    sft, prompts = folder / "train.tunix_sft.jsonl", folder / "train.prompt_only.jsonl"
    sft.write_text("".join(json.dumps(tunix_sft_record(t)) + "\n" for t in traces))
    prompts.write_text("".join(json.dumps(prompt_only_record(t)) + "\n" for t in traces))
    return sft, prompts


def runner(parent: Path, prompts: Path, out: Path, steps: int) -> list[float]:
    from tunix_rt_training.config import load_config
    from tunix_rt_training.grpo import run_grpo

    config = load_config(
        GRPO,
        [f"init.run_dir={parent}", f"data.path={prompts}", f"output.dir={out}",
         f"training.max_steps={steps}", f"training.checkpoint_every={steps}",
         "training.log_every=1000"],
    )  # fmt: skip
    result = run_grpo(config)
    return [float(row["step_s"]) for row in result.metrics if "step_s" in row]


def bare(parent: Path, prompts: Path, steps: int) -> list[float]:
    """Tunix alone: RLCluster + GRPOLearner with the config's settings, rewards called one
    scorer at a time, no hooks, no metric functions, no checkpoints."""
    import jax
    from flax import nnx
    from tunix.rl import rl_cluster as rl_cluster_lib
    from tunix.rl.grpo import grpo_learner
    from tunix.rl.rollout import base_rollout

    from tunix_rt_training import lifecycle, loading
    from tunix_rt_training import model as model_lib
    from tunix_rt_training import tokenizer as tokenizer_lib
    from tunix_rt_training.config import load_config
    from tunix_rt_training.grpo import StepClock
    from tunix_rt_training.prompts import PromptBatches, parse_prompt_records

    config = load_config(GRPO, [f"training.max_steps={steps}"])
    training, rollout = config.training, config.rollout
    mesh = model_lib.make_mesh(config.mesh)
    start = loading.load_policy(parent, mesh)
    records = parse_prompt_records(prompts.read_bytes().splitlines())
    rollout_config = base_rollout.RolloutConfig(
        max_tokens_to_generate=rollout.max_new_tokens,
        max_prompt_length=rollout.max_prompt_length,
        kv_cache_size=rollout.max_prompt_length + rollout.max_new_tokens,
        temperature=rollout.temperature,
        top_p=rollout.top_p,
        top_k=rollout.top_k,
        eos_tokens=tokenizer_lib.stop_ids(start.tokenizer),
    )
    clock = StepClock()

    def on_batch(index: int) -> None:
        rollout_config.seed = jax.random.PRNGKey((training.seed * 1_000_003 + index) % 2**32)
        clock.started(index)

    def make(name: str, weight: float) -> Any:
        def reward(prompts: Any, completions: Any, answer: Any, **_: Any) -> list[float]:
            return [
                weight * score_completion(str(c), str(a) or None, [name])[name]
                for c, a in zip(completions, answer, strict=True)
            ]

        reward.__name__ = name
        return reward

    schedule = lifecycle.learning_rate_schedule(config)
    cluster = rl_cluster_lib.RLCluster(
        actor=start.model,
        reference=nnx.clone(start.model),
        tokenizer=start.tokenizer,
        cluster_config=rl_cluster_lib.ClusterConfig(
            role_to_mesh={role: mesh for role in rl_cluster_lib.Role},
            rollout_engine="vanilla",
            offload_to_cpu=False,
            training_config=rl_cluster_lib.RLTrainingConfig(
                actor_optimizer=lifecycle.make_optimizer(config, schedule),
                eval_every_n_steps=steps + 1,
                max_steps=steps,
                data_sharding_axis=("fsdp",),
            ),
            rollout_config=rollout_config,
        ),
    )
    learner = grpo_learner.GRPOLearner(
        rl_cluster=cluster,
        algo_config=grpo_learner.GRPOConfig(
            num_generations=config.grpo.num_generations,
            num_iterations=config.grpo.num_iterations,
            beta=config.grpo.beta,
            epsilon=config.grpo.epsilon,
        ),
        reward_fns=[make(name, weight) for name, weight in config.rewards.items()],
    )
    batches = PromptBatches(records, training.batch_size, training.seed, on_batch=on_batch)
    with mesh:
        learner.train(batches)
    # Steps 1..steps-1 end when the next batch is taken (the last one is left out).
    return [float(clock.seconds(step, {}) or 0.0) for step in range(1, steps)]


def generation(parent: Path, prompts: Path, count: int) -> tuple[float, float]:
    """Seconds for the Generator and for a bare Sampler loop over ``count`` held-out prompts,
    each timed on its second call."""
    from tunix.generate import sampler as sampler_lib

    from tunix_rt_training import loading
    from tunix_rt_training import model as model_lib
    from tunix_rt_training import tokenizer as tokenizer_lib
    from tunix_rt_training.config import load_config
    from tunix_rt_training.evaluate import Generator
    from tunix_rt_training.prompts import parse_prompt_records

    config = load_config(TINY, ["eval.max_new_tokens=48", "eval.batch_size=64"])
    mesh = model_lib.make_mesh(config.mesh)
    loaded = loading.load_run(parent, mesh)
    texts = [r.prompt for r in parse_prompt_records(prompts.read_bytes().splitlines())[:count]]
    ours = Generator.for_prompts(loaded, texts, config.eval, mesh)
    cache = sampler_lib.CacheConfig(
        cache_size=ours.prompt_length + 48,
        num_layers=loaded.spec.num_layers,
        num_kv_heads=loaded.spec.num_kv_heads,
        head_dim=loaded.spec.head_dim,
    )
    with mesh:
        sampler = sampler_lib.Sampler(loaded.model, loaded.tokenizer, cache)
    stop = tokenizer_lib.stop_ids(loaded.tokenizer)

    def bare_loop() -> list[str]:
        out: list[str] = []
        with mesh:
            for at in range(0, len(texts), 64):
                batch = texts[at : at + 64]
                batch += [batch[0]] * (64 - len(batch))
                result = sampler(
                    batch,
                    max_generation_steps=48,
                    max_prompt_length=ours.prompt_length,
                    eos_tokens=stop,
                    temperature=0.0,
                    seed=at,
                )
                out.extend(result.text[: len(texts) - at])
        return out

    def generator_loop() -> list[str]:
        return ours(texts)

    calls: list[tuple[str, Callable[[], list[str]]]] = [
        ("generator", generator_loop),
        ("bare", bare_loop),
    ]
    timings = {}
    for name, call in calls:
        call()
        started = time.perf_counter()
        produced = call()
        timings[name] = time.perf_counter() - started
        assert len(produced) == len(texts)
    return timings["generator"], timings["bare"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=20, help="GRPO steps per run")
    parser.add_argument("--warmup", type=int, default=3, help="leading steps left out")
    parser.add_argument("--repeats", type=int, default=3, help="alternating runs of each")
    parser.add_argument("--sft-steps", type=int, default=150)
    parser.add_argument("--eval-prompts", type=int, default=256)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message=r".*context manager has been deprecated")
    from tunix_rt_training.config import load_config
    from tunix_rt_training.sft import run_sft

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sft_data, prompts = write_data(folder, 2000)
        parent = folder / "sft"
        sft_overrides = [
            f"data.path={sft_data}",
            f"output.dir={parent}",
            "training.seq_len=256",
            f"training.max_steps={args.sft_steps}",
            "training.batch_size=16",
            "training.learning_rate=0.003",
            "training.log_every=1000",
        ]
        run_sft(load_config(TINY, sft_overrides))
        ours: list[float] = []
        theirs: list[float] = []
        for repeat in range(args.repeats):
            order = ("runner", "bare") if repeat % 2 == 0 else ("bare", "runner")
            for which in order:
                if which == "runner":
                    steps = runner(parent, prompts, folder / f"grpo{repeat}", args.steps)
                    ours += steps[args.warmup : args.steps - 1]
                else:
                    theirs += bare(parent, prompts, args.steps)[args.warmup :]
        generator_s, bare_s = generation(parent, prompts, args.eval_prompts)

    runner_step, bare_step = float(np.median(ours)), float(np.median(theirs))
    results = {
        "grpo": {
            "steps_timed": len(ours),
            "runner_median_step_s": round(runner_step, 4),
            "bare_median_step_s": round(bare_step, 4),
            "ratio": round(bare_step / runner_step, 3),
        },
        "generation": {
            "prompts": args.eval_prompts,
            "generator_s": round(generator_s, 3),
            "bare_sampler_s": round(bare_s, 3),
            "ratio": round(bare_s / generator_s, 3),
        },
    }
    print(f"## GRPO step: tunix-rt-train grpo vs bare GRPOLearner ({args.repeats} runs each)\n")
    print("| loop | median step |\n|---|---:|")
    print(f"| bare GRPOLearner | {bare_step * 1000:.0f} ms |")
    print(f"| tunix-rt-train grpo | {runner_step * 1000:.0f} ms |")
    print(f"\nratio bare / runner: {results['grpo']['ratio']:.3f} (target >= 0.9)\n")
    print(f"## Evaluation generation, {args.eval_prompts} held-out prompts\n")
    print("| loop | seconds |\n|---|---:|")
    print(
        f"| bare Sampler | {bare_s:.2f} |\n| Generator (tunix-rt-train eval) | {generator_s:.2f} |"
    )
    print(f"\nratio bare / generator: {results['generation']['ratio']:.3f} (target >= 0.9)")
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    ok = results["grpo"]["ratio"] >= 0.9 and results["generation"]["ratio"] >= 0.9
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
