"""The before/after report: paired means, bootstrap intervals, fixed and broken items."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tunix_rt_training.cli import main
from tunix_rt_training.report import compare, load_evaluation, write_report


def _write_eval(path: Path, rows: list[tuple[str, float, float]], model: str) -> Path:
    path.mkdir(parents=True)
    with (path / "eval_outputs.jsonl").open("w") as handle:
        for key, match, reward in rows:
            output: dict[str, Any] = {
                "id": key,
                "prompt": f"<start_of_turn>user\nQ {key}?<end_of_turn>\n<start_of_turn>model\n",
                "response": f"<reasoning>r</reasoning><answer>{match}</answer>",
                "final_answer": str(match),
                "reference_answer": "1",
                "scores": {"answer_match": match, "gsm8k_reward": reward},
            }
            handle.write(json.dumps(output) + "\n")
    (path / "eval_manifest.json").write_text(json.dumps({"model": model}))
    return path


def test_interval_brackets_the_delta_and_collapses_when_every_item_moves_alike(
    tmp_path: Path,
) -> None:
    before = _write_eval(tmp_path / "b", [(k, 0, 0.0) for k in "abcdefgh"], "base")
    after = _write_eval(
        tmp_path / "a", [(k, int(k in "abcde"), 1.0) for k in "abcdefgh"], "run@step3"
    )
    delta = compare(load_evaluation(before), load_evaluation(after))
    by_name = {row.name: row for row in delta.scorers}
    match = by_name["answer_match"]
    assert match.delta == pytest.approx(5 / 8)
    assert match.low < match.delta < match.high
    assert (by_name["gsm8k_reward"].low, by_name["gsm8k_reward"].high) == (1.0, 1.0)
    again = compare(load_evaluation(before), load_evaluation(after))
    assert again.scorers == delta.scorers


def test_compare_pairs_by_id_and_lists_fixed_and_broken(tmp_path: Path) -> None:
    before = _write_eval(
        tmp_path / "before",
        [("a", 0, -1.0), ("b", 0, -1.0), ("c", 1, 9.0), ("d", 1, 9.0), ("x", 0, 0.0)],
        "base",
    )
    after = _write_eval(
        tmp_path / "after",
        [("a", 1, 9.0), ("b", 0, 1.0), ("c", 0, 2.0), ("d", 1, 9.0), ("y", 1, 9.0)],
        "run@step10",
    )
    delta = compare(load_evaluation(before), load_evaluation(after), resamples=500)
    assert delta.paired == ["a", "b", "c", "d"]
    assert (delta.only_before, delta.only_after) == (1, 1)
    assert delta.fixed == ["a"]
    assert delta.broken == ["c"]
    by_name = {row.name: row for row in delta.scorers}
    assert by_name["answer_match"].before == pytest.approx(0.5)
    assert by_name["answer_match"].after == pytest.approx(0.5)
    assert by_name["gsm8k_reward"].delta == pytest.approx((10 + 2 - 7 + 0) / 4)


def test_report_command_writes_markdown_and_json(tmp_path: Path) -> None:
    before = _write_eval(tmp_path / "b", [("a", 0, -1.0), ("b", 0, -1.0)], "base")
    after = _write_eval(tmp_path / "a", [("a", 1, 9.0), ("b", 1, 9.0)], "run@step5")
    out = tmp_path / "delta_report.md"
    assert main(["report", str(before), str(after), "--out", str(out)]) == 0
    text = out.read_text()
    assert "| answer_match | 0.000 | 1.000 | +1.000 | [+1.000, +1.000] |" in text
    assert "95% CI (paired bootstrap, 2,000)" in text
    assert "## Fixed (2)" in text
    assert "## Broken (0)" in text
    assert "### `a` (fixed)" in text
    assert "Q a?" in text
    assert "<start_of_turn>" not in text
    data = json.loads(out.with_suffix(".json").read_text())
    assert data["scorers"]["answer_match"]["ci95"] == [1.0, 1.0]
    _, printed = write_report(before, after, None)
    assert printed == text


def test_report_refuses_directories_without_outputs_or_shared_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(tmp_path), str(tmp_path)]) == 2
    assert "not an evaluation directory" in capsys.readouterr().err
    before = _write_eval(tmp_path / "b", [("a", 0, 0.0)], "base")
    after = _write_eval(tmp_path / "a", [("z", 1, 0.0)], "run")
    assert main(["report", str(before), str(after)]) == 2
    assert "share no record ids" in capsys.readouterr().err
