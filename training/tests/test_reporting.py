"""REST reporting: with api.url set, a run fetches its dataset, registers, streams metrics and
ends succeeded/failed; an evaluation registers, posts its outputs as traces and has the server
score them. Against a stand-in server that records what is sent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tunix_rt_training.cli import main
from tunix_rt_training.config import load_config
from tunix_rt_training.sft import StepMetrics, run_sft

from .conftest import SAMPLE_DATA, TINY_CONFIG
from .fake_api import FakeApi, serve

DATASET = "gsm8k-tiny-v1"


@pytest.fixture
def api() -> Iterator[FakeApi]:
    fake = FakeApi(datasets={DATASET: SAMPLE_DATA.read_bytes()})
    server = serve(fake)
    yield fake
    server.shutdown()
    server.server_close()


def _args(api: FakeApi, *extra: str) -> list[str]:
    return [
        f"api.url={api.url}",
        f"data.dataset={DATASET}",
        "data.path=null",
        "data.limit=4",
        "training.max_steps=6",
        "training.batch_size=2",
        "training.log_every=100",
        "api.metrics_batch_steps=4",
        "eval.max_new_tokens=16",
        *extra,
    ]


@pytest.mark.slow
def test_run_and_evaluation_are_reported(api: FakeApi, tmp_path: Path) -> None:
    run_dir, eval_dir = tmp_path / "run", tmp_path / "eval"
    api.fail_metrics = 1  # the first metrics post fails; its rows go with the next one
    secret = "api.token=key-123"
    assert main(["sft", str(TINY_CONFIG), *_args(api, f"output.dir={run_dir}", secret)]) == 0
    assert {c.authorization for c in api.calls} == {"Bearer key-123"}

    fetch = api.find("GET", f"/api/datasets/{DATASET}/export.jsonl")[0]
    assert fetch.query == {"format": ["tunix_sft"], "split": ["train"]}
    created = api.find("POST", "/api/runs")
    assert len([c for c in created if c.path == "/api/runs"]) == 1
    body = created[0].body
    assert body["kind"] == "sft"
    assert body["status"] == "running"
    assert body["dataset_key"] == DATASET
    assert body["dataset_checksum"] == "sha256:fake"
    assert body["base_model"] == "tiny"
    assert body["seed"] == 0
    assert body["config"]["training"]["max_steps"] == 6
    assert body["artifacts"]["output_dir"] == str(run_dir.resolve())
    assert body["config"]["api"]["token"] == "<redacted>"

    manifest = json.loads((run_dir / "run_manifest.json").read_text())
    assert "key-123" not in (run_dir / "run_manifest.json").read_text()
    run_id = manifest["api_run_id"]
    rows = [
        row for c in api.find("POST", f"/api/runs/{run_id}/metrics") for row in c.body["metrics"]
    ]
    delivered = {(row["step"], row["name"]) for row in rows}
    names = ("loss", "learning_rate", "tokens_per_second")
    assert delivered == {(step, name) for step in range(1, 7) for name in names}
    assert all(set(row) == {"step", "name", "value", "time"} for row in rows)
    final = api.find("PATCH", f"/api/runs/{run_id}")[-1].body
    assert final["status"] == "succeeded"
    assert "finished_at" in final
    assert final["artifacts"]["final_step"] == 6

    assert (
        main(
            [
                "eval",
                str(TINY_CONFIG),
                *_args(api, f"checkpoint={run_dir}", f"output.dir={eval_dir}"),
            ]
        )
        == 0
    )
    evaluation = api.find("POST", "/api/evaluations")[0].body
    assert evaluation["run_id"] == run_id
    assert evaluation["dataset_key"] == DATASET
    assert evaluation["model"] == f"{run_dir.name}@step6"
    assert evaluation["summary"] == json.loads((eval_dir / "eval_summary.json").read_text())
    traces = api.find("POST", "/api/traces/batch")[0].body["traces"]
    assert len(traces) == 4
    manifest_eval = json.loads((eval_dir / "eval_manifest.json").read_text())
    outputs = [json.loads(line) for line in (eval_dir / "eval_outputs.jsonl").open()]
    for trace, output in zip(traces, outputs, strict=True):
        assert trace["source"] == "eval"
        assert trace["run_id"] == run_id
        assert trace["metadata"]["evaluation_id"] == manifest_eval["evaluation_id"]
        assert trace["metadata"]["response"] == output["response"]
        assert trace["reference_answer"] == output["reference_answer"]
        assert not trace["prompt"].startswith("<start_of_turn>")
    scored = [c.body["scorer"] for c in api.find("POST", "/api/scores/bulk")]
    assert scored == ["answer_match", "format_exact", "format_approx", "gsm8k_reward"]
    assert all(
        c.body["filter"]["metadata"] == {"evaluation_id": manifest_eval["evaluation_id"]}
        for c in api.find("POST", "/api/scores/bulk")
    )


@pytest.mark.slow
def test_a_crash_marks_the_run_failed_with_the_error(api: FakeApi, tmp_path: Path) -> None:
    config = load_config(TINY_CONFIG, _args(api, f"output.dir={tmp_path / 'run'}"))

    def crash(metrics: StepMetrics) -> None:
        if metrics.step == 3:
            raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        run_sft(config, step_callback=crash)
    final = api.find("PATCH", "/api/runs/")[-1].body
    assert final["status"] == "failed"
    assert "RuntimeError: disk on fire" in final["error"]
    manifest = json.loads((tmp_path / "run" / "run_manifest.json").read_text())
    assert manifest["status"] == "failed"
    assert manifest["checkpoint_steps"], "a crash still leaves a checkpoint to resume from"


def test_unreachable_server_and_unknown_dataset_fail_clearly(
    api: FakeApi, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [str(TINY_CONFIG), *_args(api, f"output.dir={tmp_path / 'r'}")]
    missing = [*args, "data.dataset=nope-v1"]
    assert main(["sft", *missing]) == 2
    assert "answered 404" in capsys.readouterr().err
    closed = [*args, "api.url=http://127.0.0.1:9"]
    assert main(["sft", *closed]) == 2
    assert "failed" in capsys.readouterr().err
    assert main(["sft", str(TINY_CONFIG), "data.path=null", f"data.dataset={DATASET}"]) == 2
    assert "set api.url too" in capsys.readouterr().err
