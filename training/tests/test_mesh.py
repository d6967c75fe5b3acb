"""Sharding: a simulated 4-device CPU mesh, (4,1) and (2,2), trains with the losses of one
device. Runs in a subprocess because XLA reads the device count once per process."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from .conftest import SAMPLE_DATA, TINY_CONFIG, run_script

SCRIPT = """
import json, sys
from pathlib import Path
import jax
from tunix_rt_training.config import load_config
from tunix_rt_training.sft import run_sft

out = {"devices": jax.device_count()}
for shape in ("[1,1]", "[4,1]", "[2,2]"):
    config = load_config(Path(sys.argv[1]), [
        f"data.path={sys.argv[2]}", "data.limit=4", "training.max_steps=3",
        "training.batch_size=4", "training.log_every=100", f"mesh.shape={shape}",
        "model.custom.num_layers=1", "model.custom.hidden_dim=256",
        f"output.dir={sys.argv[3]}/{shape}",
    ])
    result = run_sft(config)
    embedding = result.model.embedder.input_embedding.value
    out[shape] = {
        "losses": [row["loss"] for row in result.metrics],
        "embedding_devices": len(embedding.sharding.device_set),
        "embedding_spec": str(embedding.sharding.spec),
    }
print("RESULT" + json.dumps(out))
"""


@pytest.mark.slow
def test_simulated_four_device_meshes_match_one_device(tmp_path: Path) -> None:
    result = run_script(SCRIPT, str(TINY_CONFIG), str(SAMPLE_DATA), str(tmp_path), devices=4)
    assert result["devices"] == 4
    single = result["[1,1]"]
    assert single["embedding_devices"] == 1
    for shape in ("[4,1]", "[2,2]"):
        assert result[shape]["embedding_devices"] == 4, shape
        np.testing.assert_allclose(result[shape]["losses"], single["losses"], rtol=2e-5)
    assert len(single["losses"]) == 3
