"""The tunix_sft record check used by backend/training/sft_smoke.py."""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tunix_rt_backend.contracts.records import tunix_sft_record
from tunix_rt_backend.contracts.trace import TraceContent, make_steps
from tunix_rt_backend.contracts.validate import tunix_sft_problems

SMOKE = Path(__file__).resolve().parents[2] / "training" / "sft_smoke.py"


def _record(style: str = "tags") -> dict[str, Any]:
    trace = TraceContent(
        id="t1",
        prompt="What is 2 + 2?",
        steps=make_steps(["2 + 2 = 4"]),
        final_answer="4",
        reference_answer="4",
    )
    return tunix_sft_record(trace, style, "Show your work.")  # type: ignore[arg-type]


def test_rendered_records_pass() -> None:
    assert tunix_sft_problems(_record()) == []
    assert tunix_sft_problems(_record("numbered")) == []


def test_each_defect_is_named() -> None:
    cases: dict[str, dict[str, Any]] = {
        "prompts must equal": {"prompts": "x"},
        "fields differ": {"extra": 1},
        "must end with one": {"completion": "<reasoning>a</reasoning><answer>4</answer>"},
        "final_answer is empty": {"final_answer": " "},
        "must start with": {"prompt": "user\nWhat?<end_of_turn>\n<start_of_turn>model\n"},
    }
    for expected, change in cases.items():
        record = {**_record(), **change}
        if "prompt" in change or "completion" in change:
            record["prompts"] = str(record["prompt"]) + str(record["completion"])
        problems = tunix_sft_problems(record)
        assert any(expected in p for p in problems), (expected, problems)
    assert tunix_sft_problems([1]) == ["a record must be a JSON object"]


def test_smoke_script_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(_record()) + "\n" + json.dumps(_record("numbered")) + "\n")
    ok = subprocess.run([sys.executable, str(SMOKE), str(good)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "all 2 records are valid" in ok.stdout
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(_record()) + "\n{oops\n")
    failed = subprocess.run([sys.executable, str(SMOKE), str(bad)], capture_output=True, text=True)
    assert failed.returncode == 1
    assert "line 2: not JSON" in failed.stderr
