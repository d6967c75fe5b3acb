"""Shared fixtures: the sample data, the tiny config, and small configs built from them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tunix_rt_backend.contracts import gsm8k_to_trace
from tunix_rt_backend.served import serve
from tunix_rt_training.config import Config, load_config

TRAINING_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = TRAINING_DIR.parent
SAMPLE_DATA = TRAINING_DIR / "data" / "gsm8k_16.tunix_sft.jsonl"
TINY_CONFIG = TRAINING_DIR / "configs" / "sft_tiny.yaml"
GRPO_CONFIG = TRAINING_DIR / "configs" / "grpo_tiny.yaml"
# The first 16 rows of GSM8K's train split (MIT licence, github.com/openai/grade-school-math).
RAW_GSM8K = Path(__file__).with_name("gsm8k_16.raw.jsonl")
KEY = "key-123"
DATASET = "tiny-gsm8k-v1"

ConfigFactory = Callable[..., Config]

# Runs in this suite compile the same train and sample steps again and again (a resumed run,
# an evaluation before and after): JAX's persistent cache makes the repeats cache hits.
# Set before any test module imports JAX; subprocesses inherit it.
os.environ.setdefault(
    "JAX_COMPILATION_CACHE_DIR", str(TRAINING_DIR / ".pytest_cache" / "jax-compilation-cache")
)
os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0.2")


@pytest.fixture
def sample_data() -> Path:
    return SAMPLE_DATA


@pytest.fixture
def tiny_config() -> Path:
    return TINY_CONFIG


@pytest.fixture
def make_config(tmp_path: Path) -> ConfigFactory:
    """``sft_tiny.yaml`` with the sample data (absolute path) and ``overrides`` applied."""

    def factory(*overrides: str) -> Config:
        return load_config(TINY_CONFIG, [f"data.path={SAMPLE_DATA}", *overrides])

    return factory


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """A real ``tunix-rt serve`` (SQLite, API keys on) holding the 16 GSM8K rows as traces and
    the dataset ``tiny-gsm8k-v1`` (a quarter of it held out)."""
    root = tmp_path_factory.mktemp("server")
    env = {
        "TUNIX_RT_DATABASE_URL": f"sqlite+aiosqlite:///{root / 'rt.db'}",
        "TUNIX_RT_DATASETS_DIR": str(root / "datasets"),
    }
    with (
        serve(env, api_key=KEY, log_path=root / "server.log") as served,
        served.sync_client(timeout=60) as client,
    ):
        traces = []
        for index, line in enumerate(RAW_GSM8K.read_text().splitlines()):
            row = json.loads(line)
            trace = gsm8k_to_trace(row["question"], row["answer"], metadata={"index": index})
            traces.append({**trace.model_dump(exclude={"id"}), "source": "gsm8k"})
        assert client.post("/api/traces/batch", json={"traces": traces}).status_code == 201
        build = client.post(
            "/api/datasets/build",
            json={
                "dataset_name": "tiny-gsm8k",
                "dataset_version": "v1",
                "filters": {"source": "gsm8k"},
                "limit": 16,
                "split": {"eval_fraction": 0.25},
            },
        )
        assert build.status_code == 201, build.text
        assert build.json()["dataset_key"] == DATASET
        yield client


def simulated_devices_env(devices: int) -> dict[str, str]:
    """Our environment on JAX's CPU backend with ``devices`` simulated devices."""
    env = {**os.environ, "JAX_PLATFORMS": "cpu"}
    env.pop("XLA_FLAGS", None)
    if devices > 1:
        env["XLA_FLAGS"] = f"--xla_force_host_platform_device_count={devices}"
    return env


def run_script(script: str, *args: str, devices: int, timeout: float = 600) -> dict[str, Any]:
    """Run ``script`` (Python source) in a fresh interpreter with ``devices`` simulated CPU
    devices and return the JSON object it printed after ``RESULT``."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        env=simulated_devices_env(devices),
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT"))
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT"))
    return result
