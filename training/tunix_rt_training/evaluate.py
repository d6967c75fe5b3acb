"""``tunix-rt-train eval``: generate with Tunix's ``Sampler``, parse, score, write, report.

For every record the model continues the record's ``prompt`` (the same Gemma user turn plus
``<start_of_turn>model\\n`` it was trained on; the sampler adds BOS), greedy unless
``eval.temperature > 0``, stopping at EOS or ``<end_of_turn>``, in batches of
``eval.batch_size``. The response is parsed with the contracts' ``tags`` parser and scored by
the contracts' scorers (the same code the server runs) against the record's reference answer
(``metadata.reference_answer``, else the record's ``final_answer``).

With ``checkpoint=RUN_DIR`` the model, tokenizer and weights are those of the training run
(its manifest's config, its latest checkpoint). Without it, the configured base model is
evaluated: the "before" of a before/after comparison. For preset ``tiny`` that is the random
init of ``training.seed`` with a BPE tokenizer built from the evaluation texts (the same one
training builds from the same texts).

Writes ``eval_outputs.jsonl`` (one line per record), ``eval_summary.json``
(``{scorer: mean, …, "count": n}``) and ``eval_manifest.json`` into ``output.dir``. With
``api.url`` it records the evaluation on the server (``POST /api/evaluations`` with the raw
responses): the server parses them, stores them as ``source="eval"`` traces linked to the run
and scores them with its built-in scorers, the same code as here.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from tunix_rt_backend.contracts import (
    END_OF_TURN,
    MODEL_TURN_PREFIX,
    START_OF_TURN,
    TraceContent,
    get_scorer,
    parse_response,
)
from tunix_rt_backend.contracts.trace import make_steps
from tunix_rt_training import model as model_lib
from tunix_rt_training import runs
from tunix_rt_training import tokenizer as tokenizer_lib
from tunix_rt_training.config import Config
from tunix_rt_training.data import SftRecord
from tunix_rt_training.reporting import Reporter

log = logging.getLogger(__name__)

DEFAULT_EVALS_DIR = Path("artifacts") / "evaluations"
USER_PREFIX = f"{START_OF_TURN}user\n"
PROMPT_SUFFIX = f"{END_OF_TURN}\n{MODEL_TURN_PREFIX}"


@dataclass(frozen=True, slots=True)
class LoadedModel:
    model: Any
    tokenizer: Any
    spec: model_lib.ModelSpec
    description: str
    run_id: str | None
    api_run_id: str | None
    step: int | None
    tokenizer_info: dict[str, Any]


@dataclass(frozen=True, slots=True)
class EvalResult:
    out_dir: Path
    outputs: list[dict[str, Any]]
    summary: dict[str, float]
    evaluation_id: str | None


def user_content(prompt: str) -> str:
    """The user-turn text of a rendered prompt (what a trace's ``prompt`` holds)."""
    if prompt.startswith(USER_PREFIX) and prompt.endswith(PROMPT_SUFFIX):
        return prompt[len(USER_PREFIX) : -len(PROMPT_SUFFIX)]
    return prompt


def reference_of(record: SftRecord) -> str | None:
    if record.reference_answer is not None and record.reference_answer.strip():
        return record.reference_answer
    return record.final_answer or None


# --------------------------------------------------------------------------- model


def restore_checkpoint(model: Any, checkpoint_dir: Path, step: int | None = None) -> int:
    """Load the latest (or ``step``) checkpoint of ``checkpoint_dir`` into ``model``; the step.
    LoRA models restore only their adapters (the base weights come from ``weights_dir``)."""
    from tunix.sft import checkpoint_manager

    manager = checkpoint_manager.CheckpointManager(str(checkpoint_dir.resolve()))
    try:
        restored, _ = manager.maybe_restore(
            model, step=step, restore_only_lora_params=model_lib.is_lora(model)
        )
    finally:
        manager.close()
    if not restored:
        raise runs.RunError(f"no checkpoint found in {checkpoint_dir}")
    return int(restored)


def load_model(
    config: Config, mesh: Any, records: Sequence[SftRecord], out_dir: Path
) -> LoadedModel:
    """The model to evaluate: a training run's latest checkpoint, or the base model."""
    if config.checkpoint is not None:
        run_dir = config.checkpoint
        run_config, manifest = runs.load_run_config(run_dir)
        token_info = dict(manifest.get("tokenizer") or {})
        saved = run_dir / tokenizer_lib.TOKENIZER_FILE
        if token_info.get("kind") == "bpe-trained" or run_config.tokenizer.path is None:
            tokenizer = tokenizer_lib.load(saved)
        else:
            tokenizer = tokenizer_lib.load(run_config.tokenizer.path)
        if token_info.get("fingerprint") not in (None, tokenizer_lib.fingerprint(tokenizer)):
            raise runs.RunError(
                f"the tokenizer found for {run_dir} is not the one it was trained with"
            )
        spec = model_lib.model_spec(run_config, vocab_size=tokenizer.vocab_size())
        model = model_lib.build_model(run_config, spec, mesh)
        step = restore_checkpoint(model, run_dir / runs.CHECKPOINTS)
        run_id = str(manifest.get("run_id", run_dir.name))
        return LoadedModel(
            model,
            tokenizer,
            spec,
            f"{run_id}@step{step}",
            run_id,
            manifest.get("api_run_id"),
            step,
            token_info,
        )
    tokenizer, token_info = runs.resolve_tokenizer(config, out_dir, list(records))
    spec = model_lib.model_spec(config, vocab_size=tokenizer.vocab_size())
    model = model_lib.build_model(config, spec, mesh)
    if config.model.weights_dir is not None:
        description = f"{config.model.preset}:{config.model.weights_dir}"
    else:
        description = f"{config.model.preset} (random init, seed {config.training.seed})"
    return LoadedModel(model, tokenizer, spec, description, None, None, None, token_info)


# --------------------------------------------------------------------------- generation


def _next_power_of_two(value: int) -> int:
    return 1 << max(0, (value - 1).bit_length())


def generate(loaded: LoadedModel, prompts: Sequence[str], config: Config, mesh: Any) -> list[str]:
    """Responses to ``prompts``, batched. All batches share one shape (the last one is
    filled with repeats whose outputs are dropped), so the sampler compiles once."""
    from tunix.generate import sampler as sampler_lib

    evaluation = config.eval
    tokenizer = loaded.tokenizer
    longest = max(len(tokenizer.encode(prompt)) + 1 for prompt in prompts)
    prompt_length = _next_power_of_two(longest)
    cache = sampler_lib.CacheConfig(
        cache_size=prompt_length + evaluation.max_new_tokens,
        num_layers=loaded.spec.num_layers,
        num_kv_heads=loaded.spec.num_kv_heads,
        head_dim=loaded.spec.head_dim,
    )
    stop = tokenizer_lib.stop_ids(tokenizer)
    size = min(evaluation.batch_size, len(prompts))
    responses: list[str] = []
    with mesh:
        sampler = sampler_lib.Sampler(loaded.model, tokenizer, cache)
        bar = tqdm(
            total=len(prompts),
            desc="eval",
            unit="prompt",
            file=sys.stderr,
            disable=not sys.stderr.isatty(),
        )
        for start in range(0, len(prompts), size):
            batch = list(prompts[start : start + size])
            real = len(batch)
            batch += [batch[0]] * (size - real)
            output = sampler(
                batch,
                max_generation_steps=evaluation.max_new_tokens,
                max_prompt_length=prompt_length,
                eos_tokens=stop,
                temperature=evaluation.temperature,
                top_p=evaluation.top_p if evaluation.temperature > 0 else None,
                seed=evaluation.seed + start,
            )
            responses.extend(output.text[:real])
            bar.update(real)
        bar.close()
    return responses


# --------------------------------------------------------------------------- scoring


def score_output(record: SftRecord, response: str, scorers: Sequence[str]) -> dict[str, Any]:
    """One ``eval_outputs.jsonl`` line: the parsed answer and every scorer's value."""
    parsed = parse_response(response, "tags")
    reference = reference_of(record)
    trace = TraceContent(
        prompt=user_content(record.prompt) or record.prompt,
        steps=tuple(make_steps(parsed.steps)),
        final_answer=parsed.final_answer or "",
        reference_answer=reference,
        metadata={"response": response},
    )
    scores, labels = {}, {}
    for name in scorers:
        result = get_scorer(name)(trace)
        scores[name] = result.value
        labels[name] = result.label
    return {
        "id": record.id,
        "prompt": record.prompt,
        "response": response,
        "final_answer": parsed.final_answer,
        "reference_answer": reference,
        "parse_format": parsed.format,
        "scores": scores,
        "labels": labels,
    }


def summarize(outputs: Sequence[dict[str, Any]], scorers: Sequence[str]) -> dict[str, float]:
    count = len(outputs)
    summary: dict[str, float] = {
        name: round(sum(float(o["scores"][name]) for o in outputs) / count, 6) if count else 0.0
        for name in scorers
    }
    summary["count"] = count
    return summary


def _item(output: dict[str, Any], loaded: LoadedModel) -> dict[str, Any]:
    """An evaluation item for the server: the raw response, which it parses and scores."""
    return {
        "item_id": output["id"],
        "prompt": user_content(output["prompt"]) or output["prompt"],
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


# --------------------------------------------------------------------------- command


def run_eval(config: Config) -> EvalResult:
    """Evaluate as configured; see the module docstring."""
    out_dir = config.output.dir or DEFAULT_EVALS_DIR / runs.new_id("eval")
    out_dir.mkdir(parents=True, exist_ok=True)
    reporter = Reporter(config.api) if config.api.url else None
    try:
        return _run_eval(config, out_dir, reporter)
    finally:
        if reporter is not None:
            reporter.close()


def _run_eval(config: Config, out_dir: Path, reporter: Reporter | None) -> EvalResult:
    loaded_data = runs.load_data(config, reporter)
    records = loaded_data.records
    if config.eval.limit is not None:
        records = records[: config.eval.limit]
    mesh = model_lib.make_mesh(config.mesh)
    loaded = load_model(config, mesh, records, out_dir)

    started = time.perf_counter()
    responses = generate(loaded, [record.prompt for record in records], config, mesh)
    generation_s = time.perf_counter() - started
    scorers = config.eval.scorers
    outputs = [score_output(r, text, scorers) for r, text in zip(records, responses, strict=True)]
    summary = summarize(outputs, scorers)

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
