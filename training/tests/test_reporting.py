"""REST reporting against a real tunix-rt server (``tunix-rt serve`` in a subprocess, SQLite,
API keys on): a run fetches its dataset by key, registers, streams metrics and ends
succeeded, failed or resumed; evaluations are recorded and scored by the server, and the
server's before/after comparison prints the report's numbers. The Reporter's retry and
heartbeat rules are checked on their own with a mock transport. The server comes from
conftest's ``server`` fixture.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tunix_rt_training.cli import main
from tunix_rt_training.config import ApiConfig, load_config
from tunix_rt_training.report import compare, load_evaluation
from tunix_rt_training.reporting import Reporter
from tunix_rt_training.runs import read_json
from tunix_rt_training.sft import StepMetrics, run_sft

from .conftest import DATASET, KEY, TINY_CONFIG


def _args(server: httpx.Client, *extra: str) -> list[str]:
    return [
        f"api.url={server.base_url}",
        f"api.token={KEY}",
        "data.path=null",
        f"data.dataset={DATASET}",
        "training.max_steps=6",
        "training.batch_size=2",
        "training.seq_len=384",
        "training.log_every=100",
        "api.metrics_batch_steps=4",
        "eval.max_new_tokens=16",
        *extra,
    ]


@pytest.mark.slow
def test_run_and_evaluations_are_recorded_on_the_server(
    server: httpx.Client, tmp_path: Path
) -> None:
    run_dir, before, after = tmp_path / "run", tmp_path / "before", tmp_path / "after"
    assert main(["sft", str(TINY_CONFIG), *_args(server, f"output.dir={run_dir}")]) == 0
    manifest = read_json(run_dir / "run_manifest.json")
    run_id = manifest["api_run_id"]

    run = server.get(f"/api/runs/{run_id}").json()
    assert run["status"] == "succeeded"
    assert run["kind"] == "sft"
    assert run["dataset_key"] == DATASET
    export = server.get(
        f"/api/datasets/{DATASET}/export.jsonl", params={"format": "tunix_sft", "split": "train"}
    )
    assert run["dataset_checksum"] == export.headers["etag"].strip('"')
    assert run["dataset_checksum"] == manifest["dataset_checksum"]
    assert run["base_model"] == "tiny"
    assert run["config"]["training"]["max_steps"] == 6
    assert run["config"]["api"]["token"] == "<redacted>"
    assert KEY not in (run_dir / "run_manifest.json").read_text()
    assert run["artifacts"]["output_dir"] == str(run_dir.resolve())
    assert run["artifacts"]["final_step"] == 6
    assert run["summary"]["final_loss"] == manifest["final_loss"]
    assert run["finished_at"] is not None
    assert manifest["data"]["records"] == 12  # the train side of the 16, 4 held out

    metrics = server.get(f"/api/runs/{run_id}/metrics").json()
    assert set(metrics["names"]) == {"loss", "learning_rate", "tokens_per_second"}
    losses = {m["step"]: m["value"] for m in metrics["items"] if m["name"] == "loss"}
    local = {
        row["step"]: row["loss"]
        for row in map(json.loads, (run_dir / "metrics.jsonl").read_text().splitlines())
    }
    assert losses == pytest.approx(local)
    assert sorted(losses) == list(range(1, 7))

    common = ["data.split=eval"]
    assert main(["eval", str(TINY_CONFIG), *_args(server, f"output.dir={before}", *common)]) == 0
    assert (
        main(
            [
                "eval",
                str(TINY_CONFIG),
                *_args(server, f"checkpoint={run_dir}", f"output.dir={after}", *common),
            ]
        )
        == 0
    )
    evaluations = server.get("/api/evaluations", params={"run_id": run_id}).json()["items"]
    assert len(evaluations) == 1
    recorded = evaluations[0]
    assert recorded["item_count"] == 4
    assert recorded["split"] == "eval"
    assert recorded["model"] == f"{run_dir.name}@step6"
    local_summary = json.loads((after / "eval_summary.json").read_text())
    for name, entry in recorded["summary"].items():
        assert entry["mean"] == pytest.approx(local_summary[name])
    before_id = read_json(before / "eval_manifest.json")["evaluation_id"]
    after_id = read_json(after / "eval_manifest.json")["evaluation_id"]
    assert after_id == recorded["id"]
    traces = server.get("/api/traces", params={"source": "eval", "run_id": run_id}).json()
    assert len(traces["items"]) == 4

    comparison = server.get(
        "/api/evaluations/compare", params={"before": before_id, "after": after_id}
    ).json()
    report = compare(load_evaluation(before), load_evaluation(after))
    for row in report.scorers:
        remote = comparison["scorers"][row.name]
        assert remote["n"] == 4
        assert remote["delta"] == pytest.approx(row.delta)
        assert remote["ci_low"] == pytest.approx(row.low)
        assert remote["ci_high"] == pytest.approx(row.high)
    assert comparison["fixed_count"] == len(report.fixed)
    assert comparison["broken_count"] == len(report.broken)


@pytest.mark.slow
def test_a_crash_marks_the_run_failed_and_a_resume_finishes_it(
    server: httpx.Client, tmp_path: Path
) -> None:
    config = load_config(TINY_CONFIG, _args(server, f"output.dir={tmp_path / 'run'}"))

    def crash(metrics: StepMetrics) -> None:
        if metrics.step == 3:
            raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        run_sft(config, step_callback=crash)
    manifest = read_json(tmp_path / "run" / "run_manifest.json")
    assert manifest["status"] == "failed"
    assert manifest["checkpoint_steps"], "a crash still leaves a checkpoint to resume from"
    run = server.get(f"/api/runs/{manifest['api_run_id']}").json()
    assert run["status"] == "failed"
    assert "RuntimeError: disk on fire" in run["error"]

    resumed = run_sft(config)
    assert resumed.api_run_id == manifest["api_run_id"]
    assert resumed.start_step == manifest["final_step"]
    run = server.get(f"/api/runs/{manifest['api_run_id']}").json()
    assert run["status"] == "succeeded"
    assert run["error"] is None


def test_unreachable_server_and_unknown_dataset_fail_clearly(
    server: httpx.Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [str(TINY_CONFIG), *_args(server, f"output.dir={tmp_path / 'r'}")]
    assert main(["sft", *args, "data.dataset=nope-v1"]) == 2
    assert "answered 404" in capsys.readouterr().err
    assert main(["sft", *args, "api.token=wrong"]) == 2
    assert "answered 401" in capsys.readouterr().err
    assert main(["sft", *args, "api.url=http://127.0.0.1:9"]) == 2
    assert "failed" in capsys.readouterr().err
    assert main(["sft", str(TINY_CONFIG), "data.path=null", f"data.dataset={DATASET}"]) == 2
    assert "set api.url too" in capsys.readouterr().err


def _mock(responses: list[int], seen: list[httpx.Request]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        status = responses.pop(0) if responses else 201
        return httpx.Response(status, json={"accepted": 1})

    return httpx.MockTransport(handler)


def test_metrics_survive_a_server_blip_and_invalid_rows_are_dropped() -> None:
    seen: list[httpx.Request] = []
    reporter = Reporter(ApiConfig(url="http://server"), transport=_mock([503, 201, 422], seen))
    reporter.queue_metrics(1, {"loss": 2.0, "learning_rate": float("nan")}, "t1")
    assert not reporter.flush_metrics("r")  # 503: kept
    reporter.queue_metrics(2, {"loss": 1.5}, "t2")
    assert reporter.flush_metrics("r")
    sent: Any = json.loads(seen[1].content)["metrics"]
    assert [(m["step"], m["name"]) for m in sent] == [(1, "loss"), (2, "loss")]  # NaN left out
    reporter.queue_metrics(3, {"loss": 1.0}, "t3")
    assert reporter.flush_metrics("r")  # 422: refused for good, dropped, not retried forever
    assert reporter.flush_metrics("r")
    assert len(seen) == 3
    reporter.close()


def test_heartbeat_patches_an_empty_body_until_stopped() -> None:
    seen: list[httpx.Request] = []
    reporter = Reporter(ApiConfig(url="http://server"), transport=_mock([], seen))
    reporter.start_heartbeat("run-1", every_s=0.02)
    time.sleep(0.2)
    reporter.stop_heartbeat()
    count = len(seen)
    assert count >= 2
    assert all(r.method == "PATCH" and r.url.path == "/api/runs/run-1" for r in seen)
    assert all(json.loads(r.content) == {} for r in seen)
    time.sleep(0.1)
    assert len(seen) == count
    reporter.close()
