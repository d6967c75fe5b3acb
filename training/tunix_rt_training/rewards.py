"""GRPO's rewards: the workbench's scorers as Tunix reward functions, and what each step's
rollouts are recorded as.

A reward is ``rewards: {scorer: weight}`` in the config. Each scorer becomes one Tunix reward
function ``fn(prompts, completions, answer, **columns) -> list[float]`` named after it (Tunix
logs it as ``rewards/<name>`` and sums the functions), returning ``weight * value`` where
``value`` is the scorer's value for the completion turned into a trace exactly as the server
does it (``tunix_rt_backend.contracts.score_completion``): a rollout earns in training what the
server records for it.

:class:`RolloutRecorder` is also the learner's metric function: Tunix calls it with the step's
prompts, completions, total rewards and advantages right after scoring. It keeps, per step,
what ``metrics.jsonl`` shows (reward per scorer, spread, the share of groups with no learning
signal, completion length, tokens) and, every ``report.rollouts_every`` steps, the groups
themselves for ``rollouts/step-NNNNNN.jsonl`` and the server.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tunix_rt_backend.contracts import model_text, score_completion

RewardFn = Callable[..., list[float]]
ROLLOUTS_DIR = "rollouts"


class ScoreCache:
    """Every configured scorer's value per (completion, reference), computed once per step:
    each reward function reads its own scorer from it, the recorder reads them all."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(names)
        self._values: dict[tuple[str, str], dict[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, completion: str, reference: str) -> dict[str, float]:
        completion = model_text(completion)  # scored as it is reported (no NUL)
        key = (completion, reference)
        with self._lock:
            found = self._values.get(key)
        if found is None:
            found = score_completion(completion, reference or None, self.names)
            with self._lock:
                self._values[key] = found
        return found

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def reward_functions(weights: Mapping[str, float], cache: ScoreCache) -> list[RewardFn]:
    """One Tunix reward function per scorer, named after it."""

    def make(name: str, weight: float) -> RewardFn:
        def reward(
            prompts: Sequence[str],
            completions: Sequence[str],
            answer: Sequence[str],
            **columns: Any,
        ) -> list[float]:
            if len(answer) != len(completions):
                raise ValueError(f"{len(completions)} completions but {len(answer)} answers")
            return [
                weight * cache.get(str(c), str(a))[name]
                for c, a in zip(completions, answer, strict=True)
            ]

        reward.__name__ = reward.__qualname__ = name
        return reward

    return [make(name, weight) for name, weight in weights.items()]


@dataclass
class StepRollouts:
    """What one step's rollouts measured (summed over its micro-batches)."""

    completions: int = 0
    groups: int = 0
    no_signal_groups: int = 0
    tokens: int = 0
    completion_tokens: int = 0
    totals: list[float] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    report: list[dict[str, Any]] = field(default_factory=list)

    def values(self) -> dict[str, float]:
        totals = np.asarray(self.totals, dtype=np.float64)
        out = {
            "reward/total": round(float(totals.mean()), 6),
            "reward/std": round(float(totals.std()), 6),
        }
        for name, total in self.scores.items():
            out[f"reward/{name}"] = round(total / self.completions, 6)
        out["groups/no_signal"] = round(self.no_signal_groups / max(1, self.groups), 6)
        out["completion/mean_tokens"] = round(self.completion_tokens / self.completions, 3)
        return out


class RolloutRecorder:
    """The learner's metric function; see the module docstring. Thread-safe: Tunix prepares
    rollouts on a worker thread while the trainer's hooks read them."""

    def __init__(
        self,
        *,
        cache: ScoreCache,
        weights: Mapping[str, float],
        num_generations: int,
        tokenizer: Any,
        step_of: Callable[[], int],
        rollouts_every: int,
        max_groups: int | None,
    ) -> None:
        self.cache = cache
        self.weights = dict(weights)
        self.generations = num_generations
        self.tokenizer = tokenizer
        self.step_of = step_of
        self.every = rollouts_every
        self.max_groups = max_groups
        self._steps: dict[int, StepRollouts] = {}
        self._prompt_tokens: dict[str, int] = {}
        self._lock = threading.Lock()

    def _tokens(self, prompt: str) -> int:
        count = self._prompt_tokens.get(prompt)
        if count is None:
            count = len(self.tokenizer.encode(prompt)) + 1  # + BOS
            self._prompt_tokens[prompt] = count
        return count

    def __call__(
        self,
        prompts: Sequence[str],
        completions: Sequence[str],
        rewards: Any,
        advantages: Any,
        answer: Sequence[str],
        **columns: Any,
    ) -> dict[str, Any]:
        step = self.step_of()
        totals = np.asarray(rewards, dtype=np.float64)
        advantage = np.asarray(advantages, dtype=np.float64).reshape(len(completions), -1)[:, 0]
        scores = [self.cache.get(str(c), str(a)) for c, a in zip(completions, answer, strict=True)]
        lengths = [len(self.tokenizer.encode(str(c))) for c in completions]
        size = self.generations
        groups = len(completions) // size
        no_signal = sum(int(np.ptp(totals[g * size : (g + 1) * size]) == 0) for g in range(groups))
        report_due = self.every > 0 and step % self.every == 0
        with self._lock:
            record = self._steps.setdefault(step, StepRollouts())
            record.completions += len(completions)
            record.groups += groups
            record.no_signal_groups += no_signal
            record.completion_tokens += sum(lengths)
            record.tokens += sum(lengths) + sum(self._tokens(str(p)) for p in prompts)
            record.totals.extend(float(t) for t in totals)
            for name in self.cache.names:
                record.scores[name] = record.scores.get(name, 0.0) + sum(s[name] for s in scores)
            if report_due:
                first = len(record.report)
                ids = columns.get("item_id", [""] * len(completions))
                questions = columns.get("question", prompts)
                for g in range(groups):
                    if self.max_groups is not None and first + g >= self.max_groups:
                        break
                    at = g * size
                    record.report.append(
                        {
                            "group": first + g,
                            "item_id": str(ids[at]),
                            "prompt": str(questions[at]),
                            "reference_answer": str(answer[at]) or None,
                            "completions": [
                                {
                                    "index": i,
                                    "response": model_text(str(completions[at + i])),
                                    "advantage": round(float(advantage[at + i]), 6),
                                    "reward": round(float(totals[at + i]), 6),
                                    "rewards": scores[at + i],
                                }
                                for i in range(size)
                            ],
                        }
                    )
        self.cache.clear()
        return {}

    def pop(self, step: int) -> StepRollouts | None:
        with self._lock:
            return self._steps.pop(step, None)

    def report_body(self, record: StepRollouts) -> dict[str, Any]:
        """``POST /api/runs/{id}/rollouts``'s body (without ``step``)."""
        return {
            "scorers": self.cache.names,
            "weights": self.weights,
            "groups": record.report,
        }


def write_rollouts(run_dir: Path, step: int, groups: Sequence[Mapping[str, Any]]) -> Path:
    """One step's reported groups as ``rollouts/step-NNNNNN.jsonl`` (a group per line)."""
    folder = run_dir / ROLLOUTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"step-{step:06d}.jsonl"
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for group in groups:
            handle.write(json.dumps({"step": step, **group}) + "\n")
    tmp.replace(path)
    return path
