"""``tunix-rt-train eval``: generate with Tunix's ``Sampler``, parse, score, write, report.

For every record the model continues the record's rendered prompt (the Gemma user turn plus
``<start_of_turn>model\\n`` it was trained on; the sampler adds BOS), greedy unless
``eval.temperature > 0``, stopping at EOS or ``<end_of_turn>``, in batches of
``eval.batch_size``. Records are ``tunix_sft`` or ``prompt_only`` exports. Each response is
turned into a trace and scored exactly as the server does it
(``tunix_rt_backend.contracts.completion_trace`` and the contracts' scorers) against the
record's reference answer.

With ``checkpoint=RUN_DIR`` the model, tokenizer and weights are those of the training run (an
sft or grpo run; its manifest's config, its latest checkpoint). Without it, the configured base
model is evaluated: the "before" of a before/after comparison.

Writes ``eval_outputs.jsonl`` (one line per record), ``eval_summary.json``
(``{scorer: mean, …, "count": n}``) and ``eval_manifest.json`` into ``output.dir``. With
``api.url`` it records the evaluation on the server (``POST /api/evaluations`` with the raw
responses): the server parses, stores and scores them with the same code.

:class:`Generator` and :func:`evaluate_records` are also what training runs use to evaluate
their held-out records every ``eval.every_steps``.

Over several processes (``distributed.*``) every process generates (the model is sharded over
all of them) and process 0 alone writes the files and records the evaluation.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from tunix_rt_backend.contracts import completion_trace, get_scorer, model_text
from tunix_rt_training import distributed, lifecycle, loading, runs
from tunix_rt_training import model as model_lib
from tunix_rt_training import tokenizer as tokenizer_lib
from tunix_rt_training.config import Config, EvalConfig
from tunix_rt_training.loading import LoadedModel
from tunix_rt_training.prompts import PromptRecord, user_content
from tunix_rt_training.reporting import Reporter

log = logging.getLogger(__name__)

DEFAULT_EVALS_DIR = Path("artifacts") / "evaluations"
EXPORT_FORMAT = "prompt_only"

__all__ = ["EvalResult", "Generator", "LoadedModel", "evaluate_records", "run_eval"]


@dataclass(frozen=True, slots=True)
class EvalResult:
    out_dir: Path
    outputs: list[dict[str, Any]]
    summary: dict[str, float]
    evaluation_id: str | None


# --------------------------------------------------------------------------- generation


def _next_power_of_two(value: int) -> int:
    return 1 << max(0, (value - 1).bit_length())


class Generator:
    """One Tunix ``Sampler`` over ``model`` for prompts up to ``max_prompt_tokens`` long.

    The sampler reads the model's variables when it runs, so one generator follows a model
    that is being trained: evaluations during training reuse it (and its compiled programs).
    Every batch has the same shape (the last is filled with repeats whose outputs are
    dropped), so it compiles once."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        spec: model_lib.ModelSpec,
        mesh: Any,
        *,
        max_prompt_tokens: int,
        max_new_tokens: int,
        batch_size: int,
    ) -> None:
        from tunix.generate import sampler as sampler_lib

        self.tokenizer = tokenizer
        self.mesh = mesh
        self.prompt_length = _next_power_of_two(max_prompt_tokens + 1)  # + BOS
        self.max_new_tokens = max_new_tokens
        self.batch_size = batch_size
        self.stop = tokenizer_lib.stop_ids(tokenizer)
        cache_size = self.prompt_length + max_new_tokens
        if spec.family == "gemma2" and spec.arch.sliding_window < cache_size:
            raise model_lib.ModelError(
                f"generating {max_new_tokens} tokens after prompts padded to "
                f"{self.prompt_length} needs a cache of {cache_size}, longer than the model's "
                f"sliding window ({spec.arch.sliding_window}): Tunix's Gemma 2 places the "
                "window by cache position, which is right only when it covers the whole cache. "
                "Lower eval.max_new_tokens or shorten the prompts"
            )
        cache = sampler_lib.CacheConfig(
            cache_size=cache_size,
            num_layers=spec.num_layers,
            num_kv_heads=spec.num_kv_heads,
            head_dim=spec.head_dim,
        )
        with mesh:
            self.sampler = sampler_lib.Sampler(model, tokenizer, cache)

    @classmethod
    def for_prompts(
        cls, loaded: LoadedModel, prompts: Sequence[str], evaluation: EvalConfig, mesh: Any
    ) -> Generator:
        longest = max(len(loaded.tokenizer.encode(prompt)) for prompt in prompts)
        return cls(
            loaded.model,
            loaded.tokenizer,
            loaded.spec,
            mesh,
            max_prompt_tokens=longest,
            max_new_tokens=evaluation.max_new_tokens,
            batch_size=min(evaluation.batch_size, len(prompts)),
        )

    def __call__(
        self,
        prompts: Sequence[str],
        *,
        temperature: float = 0.0,
        top_p: float = 1.0,
        seed: int = 0,
        progress: bool = False,
    ) -> list[str]:
        size = self.batch_size
        responses: list[str] = []
        bar = tqdm(
            total=len(prompts),
            desc="eval",
            unit="prompt",
            file=sys.stderr,
            disable=not (progress and sys.stderr.isatty()),
        )
        with self.mesh:
            for start in range(0, len(prompts), size):
                batch = list(prompts[start : start + size])
                real = len(batch)
                batch += [batch[0]] * (size - real)
                output = self.sampler(
                    batch,
                    max_generation_steps=self.max_new_tokens,
                    max_prompt_length=self.prompt_length,
                    eos_tokens=self.stop,
                    temperature=temperature,
                    top_p=top_p if temperature > 0 else None,
                    seed=seed + start,
                )
                # A NUL the model emitted becomes U+FFFD: scored, stored and reported alike.
                responses.extend(model_text(text) for text in output.text[:real])
                bar.update(real)
        bar.close()
        return responses


def generate(loaded: LoadedModel, prompts: Sequence[str], config: Config, mesh: Any) -> list[str]:
    """Responses of ``loaded`` to ``prompts`` with the ``eval`` settings of ``config``."""
    generator = Generator.for_prompts(loaded, prompts, config.eval, mesh)
    evaluation = config.eval
    return generator(
        prompts,
        temperature=evaluation.temperature,
        top_p=evaluation.top_p,
        seed=evaluation.seed,
        progress=True,
    )


# --------------------------------------------------------------------------- scoring


def score_output(record: PromptRecord, response: str, scorers: Sequence[str]) -> dict[str, Any]:
    """One ``eval_outputs.jsonl`` line: the parsed answer and every scorer's value, computed on
    the trace the server would store for this response."""
    trace = completion_trace(record.question, response, record.reference_answer)
    scores, labels = {}, {}
    for name in scorers:
        result = get_scorer(name)(trace)
        scores[name] = result.value
        labels[name] = result.label
    return {
        "id": record.id,
        "prompt": record.prompt,
        "response": response,
        "final_answer": trace.final_answer or None,
        "reference_answer": record.reference_answer,
        "parse_format": trace.metadata.get("response_format"),
        "scores": scores,
        "labels": labels,
    }


def summarize(outputs: Sequence[Mapping[str, Any]], scorers: Sequence[str]) -> dict[str, float]:
    count = len(outputs)
    summary: dict[str, float] = {
        name: round(sum(float(o["scores"][name]) for o in outputs) / count, 6) if count else 0.0
        for name in scorers
    }
    summary["count"] = count
    return summary


def weighted_total(scores: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """The reward a completion with ``scores`` earns under ``weights`` (GRPO's objective)."""
    return sum(weight * float(scores[name]) for name, weight in weights.items())


def evaluate_records(
    generator: Generator, records: Sequence[PromptRecord], scorers: Sequence[str]
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """Greedy responses to ``records``, scored: the outputs and their summary."""
    responses = generator([record.prompt for record in records])
    outputs = [score_output(r, text, scorers) for r, text in zip(records, responses, strict=True)]
    return outputs, summarize(outputs, scorers)


# --------------------------------------------------------------------------- command


def _item(output: dict[str, Any], loaded: LoadedModel) -> dict[str, Any]:
    """An evaluation item for the server: the raw response, which it parses and scores."""
    return {
        "item_id": output["id"],
        "prompt": user_content(output["prompt"]),
        "response": output["response"],
        "reference_answer": output["reference_answer"],
        "metadata": {"checkpoint_step": loaded.step, "local_scores": output["scores"]},
    }


def _check_server_summary(local: dict[str, float], server: dict[str, Any]) -> None:
    """The server scores with the same contracts: its means must be ours."""
    for name, value in local.items():
        entry = server.get(name)
        if name == "count" or not isinstance(entry, dict) or entry.get("mean") is None:
            continue
        if abs(float(entry["mean"]) - value) > 1e-6:
            log.warning(
                "the server's %s mean %.6f differs from the local %.6f (scorer versions?)",
                name,
                entry["mean"],
                value,
            )


def run_eval(config: Config) -> EvalResult:
    """Evaluate as configured; see the module docstring."""
    distributed.initialize(config.distributed)
    lifecycle.require_output_dir(config)
    out_dir = config.output.dir or DEFAULT_EVALS_DIR / runs.new_id("eval")
    if distributed.is_main():
        out_dir.mkdir(parents=True, exist_ok=True)
    reporter = Reporter(config.api) if config.api.url else None
    try:
        return _run_eval(config, out_dir, reporter)
    finally:
        if reporter is not None:
            reporter.close()


def _run_eval(config: Config, out_dir: Path, reporter: Reporter | None) -> EvalResult:
    loaded_data = runs.load_prompts(config, reporter, EXPORT_FORMAT)
    if not distributed.is_main():
        reporter = None  # the data is read by every process; only process 0 reports
    records = loaded_data.records
    if config.eval.limit is not None:
        records = records[: config.eval.limit]
    mesh = model_lib.make_mesh(config.mesh)
    if config.checkpoint is not None:
        loaded = loading.load_run(config.checkpoint, mesh)
    else:
        sft = loaded_data.sft_records
        texts = runs.record_texts(sft) if sft is not None else [r.prompt for r in records]
        if distributed.process_count() > 1:  # process 0 builds the tokenizer, the others read it
            distributed.main_first(
                "tokenizer", lambda: runs.resolve_tokenizer(config, out_dir, texts)
            )
        loaded = loading.load_base(config, mesh, texts, out_dir)
    lifecycle.agree(config, loaded_data.checksum, None, loaded.tokenizer_info)

    started = time.perf_counter()
    responses = generate(loaded, [record.prompt for record in records], config, mesh)
    generation_s = time.perf_counter() - started
    scorers = config.eval.scorers
    outputs = [score_output(r, text, scorers) for r, text in zip(records, responses, strict=True)]
    summary = summarize(outputs, scorers)
    if not distributed.is_main():
        return EvalResult(out_dir, outputs, summary, None)

    with (out_dir / runs.EVAL_OUTPUTS).open("w", encoding="utf-8") as handle:
        for output in outputs:
            handle.write(json.dumps(output) + "\n")
    runs.write_json(out_dir / runs.EVAL_SUMMARY, summary)

    source_name = loaded_data.dataset_key or (
        config.data.path.stem if config.data.path is not None else "data"
    )
    name = config.eval.name or f"{loaded.description} on {source_name}"
    evaluation_id = None
    server_summary: dict[str, Any] | None = None
    if reporter is not None:
        evaluation = reporter.create_evaluation(
            name=name,
            model=loaded.description,
            run_id=loaded.api_run_id,
            dataset_key=loaded_data.dataset_key,
            split=config.data.split if loaded_data.dataset_key else None,
            scorers=scorers,
            config={
                "temperature": config.eval.temperature,
                "top_p": config.eval.top_p if config.eval.temperature > 0 else None,
                "max_new_tokens": config.eval.max_new_tokens,
                "batch_size": config.eval.batch_size,
                "seed": config.eval.seed,
                "checkpoint_step": loaded.step,
                "output_dir": str(out_dir.resolve()),
            },
            items=[_item(output, loaded) for output in outputs],
        )
        evaluation_id = str(evaluation["id"])
        server_summary = evaluation.get("summary")
        if isinstance(server_summary, dict):
            _check_server_summary(summary, server_summary)

    runs.write_json(
        out_dir / runs.EVAL_MANIFEST,
        {
            "name": name,
            "created_at": runs.utc_now(),
            "model": loaded.description,
            "checkpoint": str(config.checkpoint) if config.checkpoint is not None else None,
            "checkpoint_step": loaded.step,
            "run_id": loaded.run_id,
            "api_run_id": loaded.api_run_id,
            "evaluation_id": evaluation_id,
            "server_summary": server_summary,
            "dataset_key": loaded_data.dataset_key,
            "dataset_checksum": loaded_data.checksum,
            "data_source": loaded_data.source,
            "tokenizer": loaded.tokenizer_info,
            "config": config.resolved(),
            "generation_s": round(generation_s, 3),
            "summary": summary,
            "git_sha": runs.git_sha(),
            "versions": runs.versions(),
        },
    )
    return EvalResult(out_dir, outputs, summary, evaluation_id)
