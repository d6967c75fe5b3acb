"""Shared fixtures: the sample data, the tiny config, and small configs built from them."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tunix_rt_training.config import Config, load_config

TRAINING_DIR = Path(__file__).resolve().parents[1]
REPO_DIR = TRAINING_DIR.parent
SAMPLE_DATA = TRAINING_DIR / "data" / "gsm8k_16.tunix_sft.jsonl"
TINY_CONFIG = TRAINING_DIR / "configs" / "sft_tiny.yaml"

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
