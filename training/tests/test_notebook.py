"""The Kaggle notebook (``training/notebooks/kaggle_tpu.ipynb``), executed top to bottom with
the tiny preset as a user's Jupyter would run it: a real kernel on this venv's Python, the
parameters injected after the cell tagged ``parameters`` (as papermill does), every cell
calling the real ``tunix-rt`` and ``tunix-rt-train``. Then what it left behind is checked:
the before/after report, the exports, and the server's records of the runs.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import httpx
import nbformat
import pytest
from nbclient import NotebookClient

from tunix_rt_backend.served import serve
from tunix_rt_training.runs import read_json

from .conftest import TRAINING_DIR

NOTEBOOK = TRAINING_DIR / "notebooks" / "kaggle_tpu.ipynb"
KERNEL = "tunix-rt-notebook-test"
CELL_TIMEOUT_S = 300
SFT_STEPS, GRPO_STEPS = 20, 4
DATASET_SIZE, HELD_OUT = 40, 10  # EVAL_FRACTION 0.25


def _with_parameters(notebook: Any, **parameters: object) -> None:
    """Insert a cell assigning ``parameters`` right after the cell tagged ``parameters``."""
    index = next(
        i
        for i, cell in enumerate(notebook.cells)
        if "parameters" in cell.get("metadata", {}).get("tags", [])
    )
    source = "\n".join(f"{name} = {value!r}" for name, value in parameters.items())
    cell = nbformat.v4.new_code_cell(source, id="injected-parameters")
    cell.metadata["tags"] = ["injected-parameters"]
    notebook.cells.insert(index + 1, cell)


@pytest.fixture
def jupyter_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kernelspec for this venv's Python in a temporary Jupyter path, and Jupyter's and
    IPython's runtime and profile files there too: nothing of the user's Jupyter is used or
    changed."""
    root = tmp_path / "jupyter"
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "tunix-rt (test)", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    monkeypatch.setenv("JUPYTER_PATH", str(root))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(root / "runtime"))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.setenv("IPYTHONDIR", str(root / "ipython"))


@contextmanager
def _serve(work: Path) -> Iterator[httpx.Client]:
    """``tunix-rt serve`` again on the database the notebook left in ``work``."""
    env = {
        "TUNIX_RT_DATABASE_URL": f"sqlite+aiosqlite:///{work / 'tunix_rt.db'}",
        "TUNIX_RT_DATASETS_DIR": str(work / "datasets"),
    }
    with serve(env) as server, server.sync_client(timeout=30) as client:
        yield client


def _stop_left_over_server(work: Path) -> None:
    """The notebook's server, if a failing cell kept the notebook from stopping it."""
    pid_file = work / "server.pid"
    if pid_file.exists():
        with suppress(ProcessLookupError):
            os.kill(int(pid_file.read_text()), signal.SIGTERM)


def test_the_committed_notebook_has_no_outputs_and_defaults_to_the_tiny_preset() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    parameters = [cell for cell in code if "parameters" in cell.metadata.get("tags", [])]
    assert len(parameters) == 1
    assert 'PRESET = "tiny"' in parameters[0].source


@pytest.mark.slow
@pytest.mark.usefixtures("jupyter_env")
def test_the_kaggle_notebook_runs_the_whole_loop_with_the_tiny_preset(tmp_path: Path) -> None:
    work = tmp_path / "work"
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    _with_parameters(
        notebook,
        PRESET="tiny",
        WORK_DIR=str(work),
        DATASET_SIZE=DATASET_SIZE,
        EVAL_FRACTION=0.25,
        SFT_STEPS=SFT_STEPS,
        GRPO_STEPS=GRPO_STEPS,
    )
    client = NotebookClient(
        notebook,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    try:
        client.execute()
    finally:
        # what each cell printed, for reading a failure
        nbformat.write(notebook, tmp_path / "executed.ipynb")
        _stop_left_over_server(work)
    assert not (work / "server.pid").exists(), "the notebook's last cell stops the server"

    # The report, before vs after on the held-out prompts, shown in the notebook.
    report = (work / "report.md").read_text()
    assert "| answer_match |" in report
    assert "**reward**" in report
    delta = json.loads((work / "report.json").read_text())
    assert delta["paired"] == HELD_OUT
    for name in ("answer_match", "format_exact", "reward"):
        assert {"before", "after", "delta", "ci95"} <= set(delta["scorers"][name]), name
    shown = [
        output["data"]["text/markdown"]
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if "text/markdown" in output.get("data", {})
    ]
    assert shown == [report]

    # The exports of the GRPO run's last checkpoint.
    exports = work / "export"
    for fmt, files in (
        ("orbax", {"checkpoint", "tokenizer.model", "export_manifest.json"}),
        ("safetensors", {"config.json", "model.safetensors", "tokenizer.model"}),
    ):
        assert files <= {path.name for path in (exports / fmt).iterdir()}, fmt
        manifest = read_json(exports / fmt / "export_manifest.json")
        assert (manifest["format"], manifest["kind"], manifest["step"]) == (fmt, "grpo", GRPO_STEPS)
    assert any((exports / "orbax" / "checkpoint").iterdir())

    # The server saw both runs (the grpo one continuing the sft one), the two evaluations and
    # the rollouts; its database is in the work directory.
    sft = read_json(work / "runs" / "sft" / "run_manifest.json")
    grpo = read_json(work / "runs" / "grpo" / "run_manifest.json")
    with _serve(work) as server:
        runs = {run["id"]: run for run in server.get("/api/runs").json()["items"]}
        evaluations = {e["name"]: e for e in server.get("/api/evaluations").json()["items"]}
        rollouts = server.get("/api/traces/count", params={"source": "rollout"}).json()["count"]
    assert set(runs) == {sft["api_run_id"], grpo["api_run_id"]}
    sft_run, grpo_run = runs[sft["api_run_id"]], runs[grpo["api_run_id"]]
    assert (sft_run["kind"], sft_run["status"]) == ("sft", "succeeded")
    assert (grpo_run["kind"], grpo_run["status"]) == ("grpo", "succeeded")
    assert grpo_run["parent_run_id"] == sft_run["id"]
    assert sft_run["dataset_key"] == grpo_run["dataset_key"] == "gsm8k-v1"
    assert sft_run["summary"]["final_step"] == SFT_STEPS
    assert grpo_run["summary"]["final_step"] == GRPO_STEPS
    assert set(evaluations) == {"before", "after"}
    assert evaluations["before"]["run_id"] is None
    assert evaluations["after"]["run_id"] == grpo_run["id"]
    assert evaluations["after"]["item_count"] == HELD_OUT
    assert rollouts > 0
