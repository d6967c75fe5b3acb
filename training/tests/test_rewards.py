"""GRPO's rewards are the workbench's scorers, computed as the server computes them; what a
step's rollouts record."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tunix_rt_backend.contracts import model_text, score_completion
from tunix_rt_training.config import load_config
from tunix_rt_training.prompts import PromptBatches, PromptRecord, parse_prompt_records
from tunix_rt_training.rewards import RolloutRecorder, ScoreCache, reward_functions

from .conftest import TINY_CONFIG

RIGHT = "<reasoning>21 + 26 = 47\n47 - 9 = 38</reasoning><answer>38</answer>"
WRONG = "<reasoning>21 + 26 = 47\n47 - 9 = 37</reasoning><answer>37</answer>"
DEGENERATE = [
    "<reasoning> + + +</reasoning><answer></answer></answer></answer>",
    "<reasoning>21 + 26 = 47\n47 - 9 = 38</reasoning>",  # the right number, no answer
    "<reasoning>x</reasoning><answer>I think 5, 10, 38</answer>",
    "3 8 38",  # no tags, several numbers
]


class Words:
    """A tokenizer counting words: enough for the recorder's token counts."""

    def encode(self, text: str) -> list[int]:
        return [1] * len(text.split())


def test_each_scorer_is_a_tunix_reward_function_named_after_it() -> None:
    weights = {"format_exact": 1.0, "answer_match": 2.0}
    functions = reward_functions(weights, ScoreCache(list(weights)))
    assert [fn.__name__ for fn in functions] == ["format_exact", "answer_match"]
    completions = [RIGHT, WRONG, *DEGENERATE]
    answers = ["38"] * len(completions)
    fmt, ans = (fn(["p"] * len(completions), completions, answers) for fn in functions)
    assert fmt == [1.0, 1.0, 0.0, 0.0, 1.0, 0.0]
    assert ans == [2.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    for completion, value in zip(completions, ans, strict=True):
        assert value == 2.0 * score_completion(completion, "38", ["answer_match"])["answer_match"]


def test_a_reward_needs_one_answer_per_completion() -> None:
    (fn,) = reward_functions({"answer_match": 1.0}, ScoreCache(["answer_match"]))
    with pytest.raises(ValueError, match="2 completions but 1 answers"):
        fn(["p", "p"], [RIGHT, WRONG], ["38"])


def test_the_recorder_measures_a_step_and_keeps_its_groups_for_the_report() -> None:
    weights = {"answer_match": 1.0}
    cache = ScoreCache(list(weights))
    recorder = RolloutRecorder(
        cache=cache,
        weights=weights,
        num_generations=2,
        tokenizer=Words(),
        step_of=lambda: 10,
        rollouts_every=5,
        max_groups=None,
    )
    completions = [RIGHT, WRONG, WRONG, WRONG]
    answers = ["38", "38", "38", "38"]
    rewards = np.asarray([1.0, 0.0, 0.0, 0.0])
    assert (
        recorder(
            prompts=["a", "a", "b", "b"],
            completions=completions,
            rewards=rewards,
            advantages=np.asarray([0.7, -0.7, 0.0, 0.0]),
            answer=answers,
            item_id=np.asarray(["q1", "q1", "q2", "q2"]),
            question=np.asarray(["Q1", "Q1", "Q2", "Q2"]),
        )
        == {}
    )
    record = recorder.pop(10)
    assert record is not None
    assert recorder.pop(10) is None
    values = record.values()
    assert values["reward/total"] == 0.25
    assert values["reward/answer_match"] == 0.25
    assert values["groups/no_signal"] == 0.5  # group q2: both wrong
    assert values["reward/std"] == pytest.approx(np.std([1, 0, 0, 0]))
    assert [g["item_id"] for g in record.report] == ["q1", "q2"]
    first = record.report[0]
    assert first["prompt"] == "Q1"
    assert first["reference_answer"] == "38"
    assert [c["advantage"] for c in first["completions"]] == [0.7, -0.7]
    assert first["completions"][0]["rewards"] == {"answer_match": 1.0}
    body = recorder.report_body(record)
    assert body["scorers"] == ["answer_match"]
    assert body["weights"] == weights


def test_a_completion_with_nul_is_rewarded_and_reported_as_the_server_scores_it() -> None:
    """An untrained model can decode a NUL (a byte-fallback piece); the API refuses NUL, so the
    trainer scores and reports U+FFFD in its place: the same text, the same values."""
    weights = {"format_exact": 1.0, "answer_match": 1.0}
    cache = ScoreCache(list(weights))
    recorder = RolloutRecorder(
        cache=cache,
        weights=weights,
        num_generations=2,
        tokenizer=Words(),
        step_of=lambda: 5,
        rollouts_every=5,
        max_groups=None,
    )
    raw = "<reasoning>\x00 19 + 19 = 38</reasoning><answer>38\x00</answer>"
    reported = raw.replace("\x00", "\ufffd")
    rewards = [fn([""], [raw], ["38"]) for fn in reward_functions(weights, cache)]
    recorder(
        prompts=["a", "a"],
        completions=[raw, RIGHT],
        rewards=np.asarray([sum(r[0] for r in rewards), 2.0]),
        advantages=np.asarray([0.0, 0.0]),
        answer=["38", "38"],
        item_id=np.asarray(["q1", "q1"]),
        question=np.asarray(["Q1", "Q1"]),
    )
    record = recorder.pop(5)
    assert record is not None
    completion = record.report[0]["completions"][0]
    assert completion["response"] == reported
    assert "\\u0000" not in json.dumps(recorder.report_body(record))  # no escaped NUL either
    server = score_completion(reported, "38", list(weights))
    assert completion["rewards"] == server
    assert [r[0] for r in rewards] == [server["format_exact"], server["answer_match"]]
    assert model_text("no nul here") == "no nul here"


def test_prompt_batches_are_deterministic_and_carry_the_reward_columns(
    sample_data: Path,
) -> None:
    records = parse_prompt_records(sample_data.read_bytes().splitlines())
    seen: list[int] = []
    stream = iter(PromptBatches(records, 4, seed=3, on_batch=seen.append))
    first = [next(stream) for _ in range(5)]
    again = iter(PromptBatches(records, 4, seed=3))
    for batch in first:
        other = next(again)
        assert all(np.array_equal(batch[k], other[k]) for k in batch)
    assert seen == [0, 1, 2, 3, 4]
    assert set(first[0]) == {"prompts", "answer", "item_id", "question"}
    by_id = {r.id: r for r in records}
    for prompt, answer, item in zip(
        first[0]["prompts"], first[0]["answer"], first[0]["item_id"], strict=True
    ):
        assert by_id[str(item)].prompt == prompt
        assert by_id[str(item)].reference_answer == answer


def test_prompt_only_and_tunix_sft_records_give_the_same_prompts() -> None:
    prompt = "<start_of_turn>user\nWhat is 6 x 7?<end_of_turn>\n<start_of_turn>model\n"
    completion = "<reasoning>6 x 7 = 42</reasoning><answer>42</answer><end_of_turn>"
    sft = json.dumps(
        {
            "id": "a",
            "prompt": prompt,
            "completion": completion,
            "final_answer": "42",
            "metadata": {"reference_answer": "42"},
        }
    )
    only = json.dumps({"id": "a", "prompts": prompt, "question": "What is 6 x 7?", "answer": "42"})
    (a,), (b,) = parse_prompt_records([sft]), parse_prompt_records([only])
    assert a == PromptRecord("a", prompt, "42", {"reference_answer": "42"})
    assert (b.prompt, b.reference_answer, b.question) == (prompt, "42", "What is 6 x 7?")


def test_the_older_data_key_still_loads() -> None:
    config = load_config(TINY_CONFIG, ["data.path=null", "data.dataset=gsm8k-v1"])
    assert config.data.dataset_key == "gsm8k-v1"
    assert config.resolved()["data"]["dataset_key"] == "gsm8k-v1"
