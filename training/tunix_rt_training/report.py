"""``tunix-rt-train report BEFORE_DIR AFTER_DIR``: what training changed, per scorer.

Items are paired by record id (only ids in both evaluations count). For each scorer: the mean
before and after, the mean of the paired differences (after - before), and a 95 % interval for
it from a paired percentile bootstrap. The statistics are the contracts package's
(``tunix_rt_backend.contracts.stats.paired_mean_delta``: 2,000 resamples from
``random.Random(0)``), the very function behind the server's
``GET /api/evaluations/compare``, so the report and the dashboard print the same numbers.

With reward weights (``--reward answer_match=2 --reward format_exact=1``, or ``--rewards-of
GRPO_RUN_DIR`` for the weights a GRPO run trained with) a ``reward`` row compares the weighted
sum of those scorers per item: the held-out value of what GRPO optimises.

"Fixed" items went from below to the top of ``answer_match`` (wrong → right), "broken" ones
the other way, by the server's rule. A few examples are shown side by side: fixed first, then
broken, then unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tunix_rt_backend.contracts import get_scorer
from tunix_rt_backend.contracts.stats import BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, paired_mean_delta
from tunix_rt_training import runs
from tunix_rt_training.prompts import user_content

DEFAULT_RESAMPLES = BOOTSTRAP_RESAMPLES
DEFAULT_SEED = BOOTSTRAP_SEED
DECIDING_SCORER = "answer_match"


@dataclass(frozen=True, slots=True)
class ScorerDelta:
    name: str
    before: float
    after: float
    delta: float
    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Evaluation:
    path: Path
    name: str
    outputs: dict[str, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Delta:
    before: Evaluation
    after: Evaluation
    paired: list[str]
    only_before: int
    only_after: int
    scorers: list[ScorerDelta]
    fixed: list[str]
    broken: list[str]
    deciding_scorer: str | None


def load_evaluation(path: Path) -> Evaluation:
    outputs_path = path / runs.EVAL_OUTPUTS
    if not outputs_path.exists():
        raise runs.RunError(f"{path} is not an evaluation directory (no {runs.EVAL_OUTPUTS})")
    outputs = {str(row["id"]): row for row in runs.read_jsonl(outputs_path)}
    manifest_path = path / runs.EVAL_MANIFEST
    name = str(path)
    if manifest_path.exists():
        name = str(runs.read_json(manifest_path).get("model", name))
    return Evaluation(path, name, outputs)


REWARD_ROW = "reward"


def _values(
    evaluation: Evaluation, keys: Sequence[str], name: str, weights: Mapping[str, float]
) -> list[float]:
    if name != REWARD_ROW:
        return [float(evaluation.outputs[key]["scores"][name]) for key in keys]
    return [
        sum(w * float(evaluation.outputs[key]["scores"][n]) for n, w in weights.items())
        for key in keys
    ]


def compare(
    before: Evaluation,
    after: Evaluation,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    weights: Mapping[str, float] | None = None,
) -> Delta:
    paired = [key for key in before.outputs if key in after.outputs]
    if not paired:
        raise runs.RunError(
            f"{before.path} and {after.path} share no record ids: were they evaluated on the "
            "same data?"
        )
    names = [
        name
        for name in before.outputs[paired[0]]["scores"]
        if all(
            name in after.outputs[key]["scores"] and name in before.outputs[key]["scores"]
            for key in paired
        )
    ]
    weights = dict(weights or {})
    missing = [name for name in weights if name not in names]
    if missing:
        raise runs.RunError(
            f"the reward weighs scorers these evaluations do not both have: {missing}; "
            "evaluate with them (eval.scorers)"
        )
    scorers = []
    for name in [*names, *([REWARD_ROW] if weights else [])]:
        result = paired_mean_delta(
            _values(before, paired, name, weights),
            _values(after, paired, name, weights),
            resamples=resamples,
            seed=seed,
        )
        scorers.append(
            ScorerDelta(
                name,
                result.before_mean or 0.0,
                result.after_mean or 0.0,
                result.delta or 0.0,
                result.ci_low or 0.0,
                result.ci_high or 0.0,
            )
        )
    deciding = DECIDING_SCORER if DECIDING_SCORER in names else (names[0] if names else None)
    fixed, broken = [], []
    if deciding is not None:
        top = get_scorer(deciding).max_value
        for key in paired:
            was = float(before.outputs[key]["scores"][deciding])
            now = float(after.outputs[key]["scores"][deciding])
            if was < top <= now:
                fixed.append(key)
            elif now < top <= was:
                broken.append(key)
    return Delta(
        before=before,
        after=after,
        paired=paired,
        only_before=len(before.outputs) - len(paired),
        only_after=len(after.outputs) - len(paired),
        scorers=scorers,
        fixed=fixed,
        broken=broken,
        deciding_scorer=deciding,
    )


def _fmt(value: float) -> str:
    return f"{value:+.3f}" if value else "0.000"


def _short(text: str | None, limit: int = 60) -> str:
    body = "" if text is None else " ".join(text.split()).replace("`", "'")
    return body if len(body) <= limit else body[:limit] + " …"


def _block(text: str | None, limit: int = 600) -> str:
    body = "" if text is None else (text if len(text) <= limit else text[:limit] + " …")
    return "```text\n" + body.replace("```", "'''") + "\n```"


def _id_list(ids: Sequence[str], limit: int = 50) -> str:
    if not ids:
        return "none"
    shown = ", ".join(f"`{key}`" for key in ids[:limit])
    return shown + (f" … and {len(ids) - limit} more" if len(ids) > limit else "")


def reward_label(weights: Mapping[str, float]) -> str:
    return " + ".join(f"{weight:g} {name}" for name, weight in weights.items())


def render(
    delta: Delta,
    examples: int = 3,
    resamples: int = DEFAULT_RESAMPLES,
    weights: Mapping[str, float] | None = None,
) -> str:
    lines = [
        "# Evaluation delta",
        "",
        f"- Before: `{delta.before.path}` ({delta.before.name})",
        f"- After: `{delta.after.path}` ({delta.after.name})",
        f"- Paired items: {len(delta.paired)}"
        + (
            f" (only before: {delta.only_before}, only after: {delta.only_after})"
            if delta.only_before or delta.only_after
            else ""
        ),
        "",
        f"| scorer | before | after | delta | 95% CI (paired bootstrap, {resamples:,}) |",
        "|---|---:|---:|---:|---|",
    ]
    for row in delta.scorers:
        label = row.name
        if row.name == REWARD_ROW and weights:
            label = f"**reward** ({reward_label(weights)})"
        lines.append(
            f"| {label} | {row.before:.3f} | {row.after:.3f} | {_fmt(row.delta)} | "
            f"[{row.low:+.3f}, {row.high:+.3f}] |"
        )
    lines += [
        "",
        f"## Fixed ({len(delta.fixed)}): wrong before, right after on `{delta.deciding_scorer}`",
        "",
        _id_list(delta.fixed),
        "",
        f"## Broken ({len(delta.broken)}): right before, wrong after",
        "",
        _id_list(delta.broken),
        "",
        "## Examples",
    ]
    unchanged = [key for key in delta.paired if key not in delta.fixed and key not in delta.broken]
    chosen = (
        [(key, "fixed") for key in delta.fixed]
        + [(key, "broken") for key in delta.broken]
        + [(key, "unchanged") for key in unchanged]
    )[:examples]
    for key, kind in chosen:
        before = delta.before.outputs[key]
        after = delta.after.outputs[key]
        lines += [
            "",
            f"### `{key}` ({kind})",
            "",
            "Prompt:",
            "",
            _block(user_content(before["prompt"]), 400),
            "",
            f"Reference answer: `{_short(before.get('reference_answer'))}`; final answer "
            f"before: `{_short(before.get('final_answer'))}`, after: "
            f"`{_short(after.get('final_answer'))}`",
            "",
            "Before:",
            "",
            _block(before.get("response")),
            "",
            "After:",
            "",
            _block(after.get("response")),
        ]
    return "\n".join(lines) + "\n"


def as_json(delta: Delta) -> dict[str, Any]:
    return {
        "before": str(delta.before.path),
        "after": str(delta.after.path),
        "paired": len(delta.paired),
        "scorers": {
            row.name: {
                "before": row.before,
                "after": row.after,
                "delta": row.delta,
                "ci95": [row.low, row.high],
            }
            for row in delta.scorers
        },
        "fixed": delta.fixed,
        "broken": delta.broken,
    }


def parse_weights(items: Sequence[str], rewards_of: Path | None) -> dict[str, float]:
    """``--reward NAME=WEIGHT`` items, after the rewards a GRPO run (``--rewards-of``) used."""
    weights: dict[str, float] = {}
    if rewards_of is not None:
        manifest = runs.read_json(rewards_of / runs.MANIFEST)
        if not isinstance(manifest.get("rewards"), dict):
            raise runs.RunError(f"{rewards_of} is not a grpo run (its manifest has no rewards)")
        weights.update({str(k): float(v) for k, v in manifest["rewards"].items()})
    for item in items:
        name, sep, raw = item.partition("=")
        try:
            weights[name.strip()] = float(raw)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise runs.RunError(f"--reward {item!r} is not NAME=WEIGHT (e.g. answer_match=2)")
    return weights


def write_report(
    before_dir: Path,
    after_dir: Path,
    out: Path | None,
    examples: int = 3,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    weights: Mapping[str, float] | None = None,
) -> tuple[Delta, str]:
    delta = compare(
        load_evaluation(before_dir), load_evaluation(after_dir), resamples, seed, weights
    )
    text = render(delta, examples, resamples, weights)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        out.with_suffix(".json").write_text(
            json.dumps(as_json(delta), indent=2) + "\n", encoding="utf-8"
        )
    return delta, text
