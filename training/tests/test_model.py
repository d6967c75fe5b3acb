"""Model inputs for packed rows, and the real-weights loading path (safetensors)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from tunix_rt_training import data as data_lib
from tunix_rt_training import evaluate, loading, runs
from tunix_rt_training import model as model_lib
from tunix_rt_training.config import Config
from tunix_rt_training.sft import run_sft

VOCAB = 320


def _randomize(model: nnx.Module, seed: int) -> None:
    """Random values in every parameter (the tiny model starts with zero MLP kernels and unit
    norms, which would hide transposition mistakes and attention leaks)."""
    state = nnx.state(model, nnx.Param)
    leaves, treedef = jax.tree.flatten(state)
    rng = np.random.default_rng(seed)
    noisy = [np.asarray(0.2 * rng.standard_normal(leaf.shape), dtype=leaf.dtype) for leaf in leaves]
    nnx.update(model, jax.tree.unflatten(treedef, noisy))


@pytest.fixture
def tiny(make_config: Callable[..., Config]) -> tuple[Config, nnx.Module, jax.sharding.Mesh]:
    config = make_config("training.seq_len=64", "model.custom.num_layers=3")
    mesh = model_lib.make_mesh(config.mesh)
    spec = model_lib.model_spec(config, vocab_size=VOCAB)
    model = model_lib.build_model(config, spec, mesh)
    _randomize(model, 0)
    return config, model, mesh


def _example(seed: int, length: int) -> data_lib.Example:
    rng = np.random.default_rng(seed)
    tokens = rng.integers(3, VOCAB, size=length).astype(np.int32)
    tokens[0] = 2
    mask = np.r_[np.zeros(length // 2), np.ones(length - length // 2)].astype(np.int32)
    return data_lib.Example(tokens, mask)


def test_segment_mask_is_block_diagonal_causal() -> None:
    segments = jnp.array([[1, 1, 2, 2, 2, 0]])
    mask = np.asarray(model_lib.segment_attention_mask(segments))[0]
    expected = np.array(
        [
            [1, 0, 0, 0, 0, 0],
            [1, 1, 0, 0, 0, 0],
            [0, 0, 1, 0, 0, 0],
            [0, 0, 1, 1, 0, 0],
            [0, 0, 1, 1, 1, 0],
            [0, 0, 0, 0, 0, 0],
        ],
        dtype=bool,
    )
    assert (mask == expected).all()


def test_packed_examples_never_attend_to_each_other(
    tiny: tuple[Config, nnx.Module, jax.sharding.Mesh],
) -> None:
    _, model, mesh = tiny
    first, second = _example(1, 23), _example(2, 30)
    packed = data_lib._layout([[first, second]], 64, pad_id=0)
    alone_first = data_lib.pad([first], 64, pad_id=0)
    alone_second = data_lib.pad([second], 64, pad_id=0)

    def logits(rows: data_lib.Rows) -> np.ndarray:
        batch = {key: getattr(rows, key) for key in data_lib.BATCH_KEYS}
        with mesh:
            out: np.ndarray = np.asarray(model_lib.forward_logits(model, batch))[0]
        return out

    packed_logits = logits(packed)
    np.testing.assert_allclose(packed_logits[:23], logits(alone_first)[:23], atol=1e-5)
    np.testing.assert_allclose(packed_logits[23:53], logits(alone_second)[:30], atol=1e-5)

    # The same row with plain causal attention (one segment) does leak: the check can fail.
    leaky = data_lib.Rows(
        packed.input_tokens,
        packed.input_mask,
        (packed.segment_ids > 0).astype(np.int32),
        packed.positions,
    )
    assert not np.allclose(logits(leaky)[23:53], logits(alone_second)[:30], atol=1e-3)


def test_safetensors_round_trip_through_weights_dir(
    tiny: tuple[Config, nnx.Module, jax.sharding.Mesh],
    tmp_path: Path,
) -> None:
    config, model, mesh = tiny
    path = model_lib.export_safetensors(model, tmp_path / "weights")
    assert path.name == "model.safetensors"

    loaded_config = Config.model_validate(
        {
            **config.resolved(),
            "model": {
                **config.resolved()["model"],
                "weights_dir": str(tmp_path / "weights"),
                "weights_format": "safetensors",
            },
        }
    )
    spec = model_lib.model_spec(loaded_config, vocab_size=VOCAB)
    loaded = model_lib.build_model(loaded_config, spec, mesh)

    original = nnx.to_pure_dict(nnx.state(model, nnx.Param))
    restored = nnx.to_pure_dict(nnx.state(loaded, nnx.Param))
    flat_original = dict(jax.tree_util.tree_flatten_with_path(original)[0])
    flat_restored = dict(jax.tree_util.tree_flatten_with_path(restored)[0])
    assert flat_original.keys() == flat_restored.keys()
    for key, value in flat_original.items():
        np.testing.assert_array_equal(np.asarray(value), np.asarray(flat_restored[key]), str(key))

    rows = data_lib.pad([_example(3, 40)], 64, pad_id=0)
    batch = {key: getattr(rows, key) for key in data_lib.BATCH_KEYS}
    with mesh:
        np.testing.assert_allclose(
            np.asarray(model_lib.forward_logits(model, batch)),
            np.asarray(model_lib.forward_logits(loaded, batch)),
            atol=1e-6,
        )


def test_missing_weights_dir_is_a_clear_error(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = make_config(f"model.weights_dir={tmp_path}")
    mesh = model_lib.make_mesh(config.mesh)
    spec = model_lib.model_spec(config, vocab_size=VOCAB)
    with pytest.raises(model_lib.ModelError, match=r"holds no \*\.safetensors files"):
        model_lib.build_model(config, spec, mesh)


def test_mesh_larger_than_the_machine_explains_how_to_simulate(
    make_config: Callable[..., Config],
) -> None:
    config = make_config("mesh.shape=[64, 2]", "training.batch_size=64")
    with pytest.raises(model_lib.ModelError, match="xla_force_host_platform_device_count=128"):
        model_lib.make_mesh(config.mesh)


@pytest.mark.slow
def test_lora_trains_and_checkpoints_only_the_adapters(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = make_config(
        "model.lora={rank: 4, alpha: 8}",
        "data.limit=4",
        "training.max_steps=2",
        "training.batch_size=2",
        "training.log_every=100",
        "eval.max_new_tokens=8",
        f"output.dir={tmp_path / 'run'}",
    )
    result = run_sft(config)
    model = result.model
    assert model_lib.is_lora(model)
    trainable = model_lib.parameter_count(model, trainable_only=True)
    assert 0 < trainable < model_lib.parameter_count(model) / 5

    mesh = model_lib.make_mesh(config.mesh)
    spec = model_lib.model_spec(config, vocab_size=result.tokenizer.vocab_size())
    fresh = model_lib.build_model(config, spec, mesh)
    base = nnx.All(nnx.Param, nnx.Not(nnx.LoRAParam))
    base_trained = nnx.to_pure_dict(nnx.state(model, base))
    base_fresh = nnx.to_pure_dict(nnx.state(fresh, base))
    for (path, a), (_, b) in zip(
        jax.tree_util.tree_flatten_with_path(base_trained)[0],
        jax.tree_util.tree_flatten_with_path(base_fresh)[0],
        strict=True,
    ):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b), str(path))
    adapters_trained = jax.tree.leaves(nnx.state(model, nnx.LoRAParam))
    adapters_fresh = jax.tree.leaves(nnx.state(fresh, nnx.LoRAParam))
    assert any(
        not np.array_equal(np.asarray(a), np.asarray(b))
        for a, b in zip(adapters_trained, adapters_fresh, strict=True)
    )

    # The checkpoint holds the adapters only; restoring them onto the base model gives back
    # the trained model's outputs.
    stored = json.loads((result.run_dir / "checkpoints/2/model_params/_METADATA").read_text())
    assert stored["tree_metadata"]
    assert all("_lora_" in key for key in stored["tree_metadata"])
    restore = Config.model_validate({**config.resolved(), "checkpoint": str(result.run_dir)})
    records = runs.load_data(config, None).records[:2]
    restored = loading.load_run(result.run_dir, mesh)
    assert restored.step == 2
    trained = loading.LoadedModel(model, result.tokenizer, spec, "trained", None, None, 2, {})
    prompts = [record.prompt for record in records]
    assert evaluate.generate(restored, prompts, restore, mesh) == evaluate.generate(
        trained, prompts, restore, mesh
    )
