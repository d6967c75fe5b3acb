"""One run over two processes through JAX's multi-process runtime, on CPU over loopback.

Two processes with one device each train with the losses of one process with two (simulated)
devices: the same mesh and the same global batch. Process 0 alone writes the run's files; both
write the checkpoint and resume from it; one process then loads that checkpoint and evaluates
it. The ``distributed`` section's validation and launcher detection are checked without JAX.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

from tunix_rt_training import distributed
from tunix_rt_training.config import ConfigError, load_config
from tunix_rt_training.config_distributed import DistributedConfig, launcher
from tunix_rt_training.runs import RunError, read_json, read_jsonl

from .conftest import SAMPLE_DATA, TINY_CONFIG, run_script, simulated_devices_env

TRAIN = [
    f"data.path={SAMPLE_DATA}",
    "data.limit=4",
    "training.batch_size=4",
    "training.lr_schedule=constant",  # the same rates whatever max_steps says (resume below)
    "training.warmup_steps=0",
    "training.log_every=1",
    "model.custom.num_layers=1",
    "model.custom.hidden_dim=256",
    "mesh.shape=[2,1]",
]
TIMEOUT_S = 240


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "tunix_rt_training.cli", *args]


def _one_process(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command,
        cwd=cwd,
        env=simulated_devices_env(2),
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def _two_processes(args: list[str], cwds: list[Path]) -> list[tuple[str, str]]:
    """Run ``tunix-rt-train ARGS`` as processes 0 and 1 of one run; their (stdout, stderr)."""
    port = _free_port()
    processes = [
        subprocess.Popen(
            _cli(
                *args,
                f"distributed.coordinator_address=127.0.0.1:{port}",
                "distributed.num_processes=2",
                f"distributed.process_id={index}",
                "distributed.initialization_timeout_s=60",
            ),
            cwd=cwd,
            env=simulated_devices_env(1),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index, cwd in enumerate(cwds)
    ]
    outputs = []
    try:
        for process in processes:
            outputs.append(process.communicate(timeout=TIMEOUT_S))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate()
    for index, (process, (_, err)) in enumerate(zip(processes, outputs, strict=True)):
        assert process.returncode == 0, f"process {index}:\n{err[-3000:]}"
    return outputs


EVAL_SCRIPT = """
import json, sys
from pathlib import Path
import jax
import numpy as np
from flax import nnx
from tunix_rt_training import loading
from tunix_rt_training import model as model_lib
from tunix_rt_training.config import load_config
from tunix_rt_training.evaluate import run_eval

config_path, data, multi, single, out = sys.argv[1:]
config = load_config(Path(config_path), [
    f"data.path={data}", "eval.limit=2", "eval.max_new_tokens=8", "mesh.shape=[1,1]",
    f"checkpoint={multi}", f"output.dir={out}",
])
result = run_eval(config)
mesh = model_lib.make_mesh(config.mesh)
leaves = [
    jax.tree.leaves(nnx.state(loading.load_run(Path(run), mesh).model, nnx.Param))
    for run in (multi, single)
]
difference = max(
    float(np.max(np.abs(np.asarray(a) - np.asarray(b)))) for a, b in zip(*leaves, strict=True)
)
print("RESULT" + json.dumps({
    "devices": jax.device_count(), "count": len(result.outputs), "difference": difference,
}))
"""


@pytest.mark.slow
def test_two_processes_train_resume_and_checkpoint_like_one(tmp_path: Path) -> None:
    single, multi = tmp_path / "single", tmp_path / "multi"
    cwds = [tmp_path / "cwd0", tmp_path / "cwd1"]
    for cwd in cwds:
        cwd.mkdir()

    # One process, two devices: 3 steps.
    _one_process(
        _cli("sft", str(TINY_CONFIG), *TRAIN, "training.max_steps=3", f"output.dir={single}"),
        tmp_path,
    )
    # Two processes, one device each: 2 steps, then resumed from that checkpoint to 3.
    multi_args = ["sft", str(TINY_CONFIG), *TRAIN, f"output.dir={multi}"]
    _two_processes([*multi_args, "training.max_steps=2"], cwds)
    (_, err0), (out1, err1) = _two_processes([*multi_args, "training.max_steps=3"], cwds)

    expected = [row["loss"] for row in read_jsonl(single / "metrics.jsonl")]
    rows = read_jsonl(multi / "metrics.jsonl")
    # One row per step: process 1 appended none of its own.
    assert [row["step"] for row in rows] == [1, 2, 3]
    np.testing.assert_allclose([row["loss"] for row in rows], expected, rtol=2e-5)
    # Process 1 took part in every step (it saw the same global loss) but printed no progress.
    assert f"-> {expected[-1]:.4f}" in out1
    assert "resuming" in err0
    assert "step 3/3" in err0
    assert re.search(r"^step \d+/", err1, re.MULTILINE) is None
    assert [list(cwd.iterdir()) for cwd in cwds] == [[], []]

    manifest = read_json(multi / "run_manifest.json")
    assert manifest["status"] == "succeeded"
    assert manifest["final_step"] == 3
    assert {2, 3} <= set(manifest["checkpoint_steps"])
    assert len(manifest["devices"]) == 2
    assert manifest["config"]["distributed"]["process_id"] == 0
    # Each process wrote its own shards of the checkpoint.
    params = multi / "checkpoints" / "3" / "model_params"
    assert sorted(p.name for p in params.glob("ocdbt.process_*")) == [
        "ocdbt.process_0",
        "ocdbt.process_1",
    ]

    # One process, one device loads the two-process checkpoint: `eval checkpoint=…` works, and
    # the weights are those the one-process run trained.
    result = run_script(
        EVAL_SCRIPT,
        str(TINY_CONFIG),
        str(SAMPLE_DATA),
        str(multi),
        str(single),
        str(tmp_path / "eval"),
        devices=1,
        timeout=TIMEOUT_S,
    )
    assert result["devices"] == 1
    assert result["count"] == 2
    assert result["difference"] < 1e-5
    assert (tmp_path / "eval" / "eval_summary.json").exists()


# --------------------------------------------------------------------------- config


def test_distributed_section_defaults_to_one_process() -> None:
    config = load_config(TINY_CONFIG, [f"data.path={SAMPLE_DATA}"])
    assert config.distributed.enabled == "auto"
    assert config.distributed.wanted({}) is None
    assert DistributedConfig(enabled=True).wanted({}) == "distributed.enabled=true"


def test_distributed_section_from_the_command_line() -> None:
    config = load_config(
        TINY_CONFIG,
        [
            f"data.path={SAMPLE_DATA}",
            "distributed.coordinator_address=10.0.0.1:1234",
            "distributed.num_processes=4",
            "distributed.process_id=3",
            "distributed.local_device_ids=[0]",
        ],
    )
    assert config.distributed.wanted({}) == "the distributed section"
    assert config.distributed.local_device_ids == [0]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("distributed.coordinator_address=10.0.0.1", r"must be host:port"),
        ("distributed.coordinator_address=host:99999", r"must be host:port"),
        ("distributed.process_id=-1", r"greater than or equal to 0"),
        ("distributed.num_processes=0", r"greater than or equal to 1"),
        ("distributed.local_device_ids=[0, 0]", r"distinct device indices"),
        ("distributed.enabled=maybe", r"distributed\.enabled"),
        ("distributed.proces_id=1", r"did you mean distributed\.process_id"),
    ],
)
def test_bad_distributed_settings_are_refused(override: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(TINY_CONFIG, [f"data.path={SAMPLE_DATA}", override])


def test_process_id_must_be_below_the_process_count() -> None:
    with pytest.raises(ConfigError, match=r"process_id=2 must be below .*num_processes=2"):
        load_config(
            TINY_CONFIG,
            [
                f"data.path={SAMPLE_DATA}",
                "distributed.num_processes=2",
                "distributed.process_id=2",
            ],
        )


def test_disabled_section_with_settings_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"distributed\.enabled=false but"):
        load_config(
            TINY_CONFIG,
            [f"data.path={SAMPLE_DATA}", "distributed.enabled=false", "distributed.process_id=1"],
        )


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"JAX_COORDINATOR_ADDRESS": "10.0.0.1:1234"}, "$JAX_COORDINATOR_ADDRESS"),
        (
            {
                "SLURM_JOB_ID": "7",
                "SLURM_STEP_NODELIST": "node[1-2]",
                "SLURM_PROCID": "1",
                "SLURM_LOCALID": "0",
                "SLURM_NTASKS": "2",
            },
            "SLURM (2 tasks)",
        ),
        (
            {
                "SLURM_JOB_ID": "7",
                "SLURM_STEP_NODELIST": "node1",
                "SLURM_PROCID": "0",
                "SLURM_LOCALID": "0",
                "SLURM_NTASKS": "1",
            },
            None,
        ),
        (
            {"OMPI_MCA_orte_hnp_uri": "1.0;tcp://10.0.0.1:5", "OMPI_COMM_WORLD_SIZE": "4"},
            "Open MPI (4 processes)",
        ),
        ({"TPU_WORKER_HOSTNAMES": "t-0,t-1,t-2,t-3"}, "a TPU slice of 4 hosts"),
        ({"TPU_WORKER_HOSTNAMES": "localhost"}, None),
    ],
)
def test_auto_starts_the_runtime_when_a_launcher_says_so(
    environ: Mapping[str, str], expected: str | None
) -> None:
    assert launcher(environ) == expected
    assert DistributedConfig().wanted(environ) == expected
    assert DistributedConfig(enabled=False).wanted(environ) is None


def test_starting_the_runtime_after_jax_is_in_use_says_what_to_do() -> None:
    import jax

    jax.devices()  # this test process already uses JAX
    section = DistributedConfig(coordinator_address="127.0.0.1:1", num_processes=2, process_id=1)
    with pytest.raises(RunError, match=r"must run before anything uses JAX"):
        distributed.initialize(section)
    assert not jax.distributed.is_initialized()
    distributed.initialize(DistributedConfig())  # nothing asked for: nothing done
    assert distributed.process_count() == 1
