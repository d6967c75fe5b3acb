"""``tunix-rt-train plan`` and the mesh rules, on the real model shapes (no weights).

Gemma 3 1B and Gemma 2 2B are planned on 4- and 8-device meshes; in a subprocess with 8
simulated CPU devices every parameter's planned shard is compared with the shard JAX gives
it on a real mesh, and a model loaded from an orbax checkpoint lands in the planned shardings
in the configured dtype. Parameter counts are checked against transformers' own models of the
same configs (built on the meta device: no memory).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch
import transformers as _transformers

from tunix_rt_training import architectures
from tunix_rt_training.cli import main as cli
from tunix_rt_training.config import ConfigError, load_config
from tunix_rt_training.plan import plan

from .conftest import TRAINING_DIR, run_script

transformers: Any = _transformers
CONFIGS = TRAINING_DIR / "configs"
REAL = {
    "gemma3-1b": ["sft_gemma3_1b.yaml", "grpo_gemma3_1b.yaml"],
    "gemma2-2b": ["sft_gemma2_2b.yaml", "grpo_gemma2_2b.yaml"],
}
# What Tunix's sharding annotations put on each axis, by parameter name (fsdp/tp).
EXPECTED_SPECS = {
    "embedder.input_embedding": ("tp", "fsdp"),
    "attn.q_einsum.w": ("tp", "fsdp", None),
    "attn.attn_vec_einsum.w": ("tp", None, "fsdp"),
    "mlp.gate_proj.kernel": ("fsdp", "tp"),
    "mlp.up_proj.kernel": ("fsdp", "tp"),
    "mlp.down_proj.kernel": ("tp", "fsdp"),
}


def _real(preset: str, *overrides: str, config: str | None = None) -> Any:
    name = config or REAL[preset][0]
    return load_config(
        CONFIGS / name,
        ["model.weights_dir=/nonexistent", "tokenizer.path=/nonexistent", *overrides],
    )


def _expected_shard(
    shape: tuple[int, ...], spec: tuple[Any, ...], mesh: dict[str, int]
) -> tuple[int, ...]:
    out = []
    for size, axis in zip(shape, spec + (None,) * (len(shape) - len(spec)), strict=True):
        out.append(size // mesh[axis] if axis is not None else size)
    return tuple(out)


@pytest.mark.parametrize("preset", sorted(REAL))
@pytest.mark.parametrize("mesh", [(1, 4), (2, 4), (8, 1)])
def test_real_models_plan_on_four_and_eight_devices(preset: str, mesh: tuple[int, int]) -> None:
    fsdp, tp = mesh
    config = _real(preset, f"mesh.shape=[{fsdp},{tp}]", "training.batch_size=8")
    result = plan(config, "sft", "v5e")
    sizes = {"fsdp": fsdp, "tp": tp}
    checked = set()
    for placement in result.placements:
        assert placement.shard_shape == _expected_shard(placement.shape, placement.spec, sizes)
        for axis, size in zip(placement.spec, placement.shape, strict=False):
            if axis is not None:
                assert size % sizes[axis] == 0, placement.path
        for suffix, spec in EXPECTED_SPECS.items():
            if placement.path.endswith(suffix):
                assert placement.spec[: len(spec)] == spec, placement.path
                checked.add(suffix)
    assert checked == set(EXPECTED_SPECS)
    base = sum(p.shard_bytes for p in result.placements if not p.trainable)
    assert result.bytes_per_device["weights"] >= base > 0
    # LoRA: only the adapters train; the weights are split over every device (fsdp or tp).
    assert 0 < result.trainable_parameters < result.parameters / 20
    whole = 2 * (result.parameters - result.trainable_parameters)  # bfloat16
    assert base <= whole / (fsdp * tp) * 1.05


def test_parameter_counts_match_transformers(tmp_path: Path) -> None:
    for preset, arch in architectures.PRESETS.items():
        folder = tmp_path / preset
        folder.mkdir()
        (folder / "config.json").write_text(json.dumps(architectures.hf_config(arch)))
        hf_config = transformers.AutoConfig.from_pretrained(folder)
        with torch.device("meta"):
            reference = transformers.AutoModelForCausalLM.from_config(hf_config)
        theirs = sum(parameter.numel() for parameter in reference.parameters())
        ours = plan(_real(preset, "model.lora=null"), "sft").parameters
        assert ours == theirs, preset
    assert plan(_real("gemma3-1b", "model.lora=null"), "sft").parameters == 999_885_952


def test_meshes_that_do_not_divide_are_refused_naming_the_fix() -> None:
    with pytest.raises(
        ConfigError, match=r"tp=8 does not divide num_heads=4.*mesh\.shape=\[2, 4\]"
    ):
        _real("gemma3-1b", "mesh.shape=[1,8]")
    with pytest.raises(ConfigError, match=r"tp=8 does not divide num_kv_heads=4"):
        _real("gemma2-2b", "mesh.shape=[1,8]")
    with pytest.raises(ConfigError, match=r"fsdp=8 does not divide training\.batch_size=4"):
        _real("gemma2-2b", "mesh.shape=[8,1]", "training.batch_size=4")
    # One KV head is replicated, not split: Gemma 3 1B takes any tp dividing its 4 heads.
    _real("gemma3-1b", "mesh.shape=[2,4]")


@pytest.mark.parametrize("name", [n for names in REAL.values() for n in names])
def test_shipped_configs_use_all_eight_v5e_chips_and_fit(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _real("", config=name)
    assert config.mesh.shape[0] * config.mesh.shape[1] == 8
    args = ["plan", str(CONFIGS / name), "model.weights_dir=/x", "tokenizer.path=/x"]
    assert cli([*args, "--device", "v5e", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["fits"] is True
    assert result["devices"] == 8
    assert result["kind"] == ("grpo" if name.startswith("grpo") else "sft")


def test_a_plan_that_does_not_fit_says_so_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "plan",
        str(CONFIGS / "sft_gemma2_2b.yaml"),
        "model.weights_dir=/x",
        "tokenizer.path=/x",
    ]
    assert cli([*args, "model.lora=null", "training.batch_size=32", "--device", "v5e"]) == 1
    text = capsys.readouterr().out
    assert "per device:" in text
    assert "does NOT fit" in text
    assert "model.remat=true" in text
    assert cli([*args, "--device", "tpu-v9"]) == 2
    assert "unknown device" in capsys.readouterr().err


SIMULATED = """
import json, sys
from pathlib import Path
import jax, numpy as np
import jax.numpy as jnp
from flax import nnx
from jax.sharding import NamedSharding
from tunix_rt_training.config import load_config
from tunix_rt_training import model as model_lib, orbax_weights
from tunix_rt_training.plan import plan

configs, work = Path(sys.argv[1]), Path(sys.argv[2])
out = {"devices": jax.device_count(), "plans": 0, "loaded": []}
for preset, name in (("gemma3-1b", "sft_gemma3_1b.yaml"), ("gemma2-2b", "sft_gemma2_2b.yaml")):
    for shape in ((1, 4), (2, 4), (8, 1)):
        config = load_config(configs / name, ["model.weights_dir=/x", "tokenizer.path=/x",
                             f"mesh.shape=[{shape[0]},{shape[1]}]"])
        mesh = model_lib.make_mesh(config.mesh)
        for placement in plan(config, "sft").placements:
            real = NamedSharding(mesh, jax.sharding.PartitionSpec(*placement.spec))
            assert real.shard_shape(placement.shape) == placement.shard_shape, placement.path
        out["plans"] += 1

# A model of each family loaded from an orbax checkpoint in bfloat16 on a 2x4 mesh: every
# array in its planned sharding and dtype, equal to the saved values cast to bfloat16.
tiny = ["model.preset=custom", "model.custom.embed_dim=64", "model.custom.hidden_dim=128",
        "model.custom.num_layers=2", "model.custom.head_dim=16", "training.batch_size=8",
        "mesh.shape=[2,4]", "model.custom.vocab_size=512", "training.seq_len=64",
        "rollout.max_prompt_length=32", "rollout.max_new_tokens=32"]
families = {"gemma3": ["model.custom.num_heads=4", "model.custom.num_kv_heads=1"],
            "gemma2": ["model.custom.family=gemma2", "model.custom.num_heads=8",
                       "model.custom.num_kv_heads=4", "model.custom.attn_logit_softcap=50",
                       "model.custom.final_logit_softcap=30"]}
for family, extra in families.items():
    config = load_config(configs / "sft_tiny.yaml", tiny + extra)
    mesh = model_lib.make_mesh(config.mesh)
    spec = model_lib.model_spec(config, 512)
    source = model_lib.build_model(config, spec, mesh)
    ckpt = work / family
    orbax_weights.save(source, family, ckpt)
    loaded_config = load_config(configs / "sft_tiny.yaml", tiny + extra + [
        f"model.weights_dir={ckpt}", "model.weights_format=orbax", "model.dtype=bfloat16"])
    loaded_spec = model_lib.model_spec(loaded_config, 512)
    loaded = model_lib.build_model(loaded_config, loaded_spec, mesh)
    planned = {p.path: p for p in plan(loaded_config, "sft").placements}
    saved = dict(nnx.to_flat_state(nnx.state(source, nnx.Param)))
    count = 0
    for path, variable in nnx.to_flat_state(nnx.state(loaded, nnx.Param)):
        value = variable.get_value()
        key = ".".join(str(p) for p in path)
        assert value.dtype == jnp.bfloat16, key
        assert value.sharding.shard_shape(value.shape) == planned[key].shard_shape, key
        assert tuple(value.sharding.spec) == tuple(planned[key].spec), key
        assert len(value.sharding.device_set) == 8, key
        expected = np.asarray(saved[path].get_value()).astype(jnp.bfloat16)
        assert np.array_equal(np.asarray(value), expected), key
        count += 1
    out["loaded"].append([family, count])
print("RESULT" + json.dumps(out))
"""


@pytest.mark.slow
def test_simulated_meshes_place_parameters_as_planned(tmp_path: Path) -> None:
    result = run_script(SIMULATED, str(CONFIGS), str(tmp_path), devices=8)
    assert result["devices"] == 8
    assert result["plans"] == 6
    assert [family for family, _ in result["loaded"]] == ["gemma3", "gemma2"]
    assert all(count > 10 for _, count in result["loaded"])
