"""The model of a config (its architecture: :mod:`architectures`), the device mesh, weight
loading, LoRA, and the model inputs for packed rows.

Every preset goes through one path: an :class:`~architectures.Architecture`, Tunix's model
config for it, then random init (``tiny``/``custom`` without weights) or the weights in the
local ``model.weights_dir`` (HF-layout safetensors, or an orbax checkpoint), LoRA, sharding.
Nothing is ever fetched from a hub. The loaders are tested against Hugging Face
``transformers`` on small random models of each family.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from tunix_rt_training import architectures
from tunix_rt_training.architectures import CUSTOM_PRESETS, Architecture, Family
from tunix_rt_training.config import Config, LoraConfig, MeshConfig

log = logging.getLogger(__name__)


class ModelError(ValueError):
    """The model cannot be built or loaded as configured."""


# --------------------------------------------------------------------------- mesh


def make_mesh(config: MeshConfig) -> jax.sharding.Mesh:
    """A ``(fsdp, tp)`` mesh over the first ``fsdp * tp`` devices."""
    fsdp, tp = config.shape
    needed = fsdp * tp
    devices = jax.devices()
    if needed > len(devices):
        raise ModelError(
            f"mesh.shape={list(config.shape)} needs {needed} devices but {len(devices)} "
            f"{devices[0].platform} device(s) are visible. On CPU, "
            f"XLA_FLAGS=--xla_force_host_platform_device_count={needed} simulates them."
        )
    auto = jax.sharding.AxisType.Auto
    return jax.make_mesh(
        (fsdp, tp), tuple(config.axes), axis_types=(auto, auto), devices=devices[:needed]
    )


# --------------------------------------------------------------------------- presets


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """What a preset resolves to: its architecture, the Tunix model config, and what the
    sampler's cache needs."""

    arch: Architecture
    config: Any

    @property
    def family(self) -> Family:
        return self.arch.family

    @property
    def num_layers(self) -> int:
        return self.arch.num_layers

    @property
    def num_kv_heads(self) -> int:
        return self.arch.num_kv_heads

    @property
    def head_dim(self) -> int:
        return self.arch.head_dim

    @property
    def vocab_size(self) -> int:
        return self.arch.vocab_size


def param_dtype(name: str) -> Any:
    return jnp.bfloat16 if name == "bfloat16" else jnp.float32


def weights_vocab(weights_dir: Path) -> int | None:
    """Rows of the embedding in a safetensors directory (read from the file headers)."""
    import safetensors

    for path in sorted(weights_dir.glob("*.safetensors")):
        with safetensors.safe_open(  # type: ignore[no-untyped-call]
            str(path), framework="numpy"
        ) as handle:
            for key in handle.keys():  # noqa: SIM118 (a safetensors handle, not a dict)
                if key.endswith("embed_tokens.weight"):
                    return int(handle.get_slice(key).get_shape()[0])
    return None


def architecture(config: Config, vocab_size: int) -> Architecture:
    """The architecture of ``config.model``: a named preset or ``model.custom``, its
    vocabulary from the safetensors weights when there are any, else (custom without a
    vocab_size) ``vocab_size`` rounded up to a multiple of 128."""
    model = config.model
    weights = model.weights_dir
    from_weights = (
        weights_vocab(weights)
        if weights is not None and model.weights_format == "safetensors" and weights.is_dir()
        else None
    )
    if model.preset in CUSTOM_PRESETS:
        arch = architectures.from_custom(model.custom, vocab_size)
        if model.custom.vocab_size is None and from_weights is not None:
            arch = dataclasses.replace(arch, vocab_size=from_weights)
        return arch
    arch = architectures.PRESETS[model.preset]
    if from_weights is not None:  # Gemma 2's HF checkpoints hold 256000 rows, Kaggle's 256128
        arch = dataclasses.replace(arch, vocab_size=from_weights)
    return arch


def model_spec(config: Config, vocab_size: int) -> ModelSpec:
    """The model of ``config.model`` (``vocab_size``: the tokenizer's, which sizes a custom
    model's embedding when nothing else does)."""
    arch = architecture(config, vocab_size)
    tunix_config = architectures.tunix_config(
        arch, param_dtype(config.model.dtype), config.model.remat
    )
    return ModelSpec(arch, tunix_config)


def model_class(family: Family) -> Any:
    if family == "gemma3":
        from tunix.models.gemma3 import model as gemma3

        return gemma3.Gemma3
    from tunix.models.gemma import model as gemma

    return gemma.Gemma


def shard_model(model: nnx.Module, mesh: jax.sharding.Mesh) -> None:
    """Place every variable by its sharding annotation (fsdp/tp) on ``mesh``."""
    state = nnx.state(model)
    shardings = nnx.get_named_sharding(state, mesh)
    nnx.update(model, jax.device_put(state, shardings))


def build_model(config: Config, spec: ModelSpec, mesh: jax.sharding.Mesh) -> nnx.Module:
    """The base model (random init for ``tiny``/``custom`` without weights, else loaded), LoRA
    applied when ``model.lora`` is set, sharded on ``mesh``."""
    check_mesh(spec.arch, mesh)
    weights = config.model.weights_dir
    with mesh:
        if weights is None:
            model: nnx.Module = model_class(spec.family)(
                spec.config, rngs=nnx.Rngs(params=config.training.seed)
            )
        else:
            model = load_weights(
                spec, weights, config.model.weights_format, mesh, param_dtype(config.model.dtype)
            )
        if config.model.lora is not None:
            model = apply_lora(model, config.model.lora, config.training.seed)
        shard_model(model, mesh)
    return model


def check_mesh(arch: Architecture, mesh: jax.sharding.Mesh) -> None:
    fsdp, tp = mesh.shape["fsdp"], mesh.shape["tp"]
    problems = architectures.mesh_problems(arch, fsdp, tp)
    if problems:
        raise ModelError(f"mesh.shape=[{fsdp}, {tp}]: " + "; ".join(problems))


def load_weights(
    spec: ModelSpec,
    weights_dir: Path,
    weights_format: str,
    mesh: jax.sharding.Mesh,
    dtype: Any,
) -> nnx.Module:
    """Weights from a local directory: HF-layout ``*.safetensors`` or an orbax checkpoint,
    after checking the directory's ``config.json`` (when it has one) against the architecture."""
    if not weights_dir.exists():
        raise ModelError(f"model.weights_dir {weights_dir} does not exist")
    mismatches = architectures.weights_mismatches(spec.arch, weights_dir)
    if mismatches:
        raise ModelError(
            f"model.weights_dir {weights_dir} does not hold this architecture "
            "(its config.json differs; pick the matching preset or set model.custom.*): "
            + "; ".join(mismatches)
        )
    if weights_format == "safetensors":
        if not any(weights_dir.glob("*.safetensors")):
            raise ModelError(
                f"model.weights_dir {weights_dir} holds no *.safetensors files "
                "(for an orbax checkpoint set model.weights_format=orbax)"
            )
        if spec.family == "gemma3":
            from tunix.models.gemma3 import params_safetensors as g3_safetensors

            loaded: nnx.Module = g3_safetensors.create_model_from_safe_tensors(
                str(weights_dir), spec.config, mesh=mesh, dtype=dtype
            )
            return loaded
        from tunix.models.gemma import params_safetensors as g2_safetensors

        loaded = g2_safetensors.create_model_from_safe_tensors(
            str(weights_dir), spec.config, mesh=mesh, dtype=dtype
        )
        return loaded
    from tunix_rt_training import orbax_weights

    return orbax_weights.load(spec, weights_dir, mesh, dtype)


def apply_lora(model: nnx.Module, lora: LoraConfig, seed: int) -> nnx.Module:
    import qwix

    provider = qwix.LoraProvider(module_path=lora.modules, rank=lora.rank, alpha=lora.alpha)
    inputs = model.get_model_input()  # type: ignore[attr-defined]
    lora_model: nnx.Module = qwix.apply_lora_to_model(
        model, provider, rngs=nnx.Rngs(params=seed + 1), **inputs
    )
    return lora_model


def is_lora(model: nnx.Module) -> bool:
    return any(isinstance(value, nnx.LoRAParam) for _, value in nnx.iter_graph(model))


def parameter_count(model: nnx.Module, trainable_only: bool = False) -> int:
    """All parameters (LoRA adapters included: ``LoRAParam`` is a ``Param``), or only those
    the trainer updates (the adapters when there are any)."""
    kind = nnx.LoRAParam if trainable_only and is_lora(model) else nnx.Param
    return sum(int(np.prod(leaf.shape)) for leaf in jax.tree.leaves(nnx.state(model, kind)))


# --------------------------------------------------------------------------- inputs


def segment_attention_mask(segment_ids: jax.Array) -> jax.Array:
    """[B, L, L] boolean: token ``i`` attends to ``j`` iff ``j <= i`` and both are in the same
    (non-padding) segment, i.e. block-diagonal causal attention over packed examples."""
    length = segment_ids.shape[-1]
    causal = jnp.tril(jnp.ones((length, length), dtype=jnp.bool_))
    same = segment_ids[:, :, None] == segment_ids[:, None, :]
    real_key = (segment_ids > 0)[:, None, :]
    return same & real_key & causal[None, :, :]


def model_inputs(batch: Mapping[str, jax.Array]) -> dict[str, jax.Array]:
    """Tunix's default loss inputs for a batch of rows (the trainer's
    ``gen_model_input_fn``): per-example positions and block-diagonal causal attention."""
    return {
        "input_tokens": batch["input_tokens"],
        "input_mask": batch["input_mask"],
        "positions": batch["positions"],
        "attention_mask": segment_attention_mask(batch["segment_ids"]),
    }


@nnx.jit
def _forward(
    model: nnx.Module, tokens: jax.Array, positions: jax.Array, attention_mask: jax.Array
) -> jax.Array:
    logits, _ = model(tokens, positions, None, attention_mask)
    return logits  # type: ignore[no-any-return]


def forward_logits(model: nnx.Module, batch: Mapping[str, Any]) -> jax.Array:
    """Logits [B, L, V] of ``model`` on a batch of rows (tests and diagnostics)."""
    inputs = model_inputs({key: jnp.asarray(value) for key, value in batch.items()})
    return _forward(model, inputs["input_tokens"], inputs["positions"], inputs["attention_mask"])


# --------------------------------------------------------------------------- export


def export_safetensors(model: nnx.Module, out_dir: Path) -> Path:
    """Write a Gemma 3 model (no LoRA) as HF-layout ``model.safetensors``: the layout
    ``tunix.models.gemma3.params_safetensors`` reads, so ``model.weights_dir`` loads it."""
    import safetensors.numpy

    if is_lora(model):
        raise ModelError("export_safetensors takes a model without LoRA adapters")
    config = model.config  # type: ignore[attr-defined]
    heads, kv_heads, head_dim, embed = (
        config.num_heads,
        config.num_kv_heads,
        config.head_dim,
        config.embed_dim,
    )
    params = nnx.to_pure_dict(nnx.state(model, nnx.Param))

    def arr(value: Any) -> np.ndarray[Any, Any]:
        return np.asarray(jax.device_get(value), dtype=np.float32)

    def proj(w_ndh: np.ndarray[Any, Any], count: int) -> np.ndarray[Any, Any]:
        # (N, D, H) -> HF (N*H, D)
        return np.ascontiguousarray(w_ndh.transpose(1, 0, 2).reshape(embed, count * head_dim).T)

    tensors: dict[str, np.ndarray[Any, Any]] = {
        "model.embed_tokens.weight": arr(params["embedder"]["input_embedding"]),
        "model.norm.weight": arr(params["final_norm"]["scale"]),
    }
    for index, layer in params["layers"].items():
        prefix = f"model.layers.{index}"
        attn = layer["attn"]
        if "qkv_einsum" in attn:
            q, k, v = arr(attn["qkv_einsum"]["w"])
        else:
            q = arr(attn["q_einsum"]["w"])
            k, v = arr(attn["kv_einsum"]["w"])
        tensors[f"{prefix}.self_attn.q_proj.weight"] = proj(q, heads)
        tensors[f"{prefix}.self_attn.k_proj.weight"] = proj(k, kv_heads)
        tensors[f"{prefix}.self_attn.v_proj.weight"] = proj(v, kv_heads)
        out = arr(attn["attn_vec_einsum"]["w"])  # (N, H, D)
        tensors[f"{prefix}.self_attn.o_proj.weight"] = np.ascontiguousarray(
            out.reshape(heads * head_dim, embed).T
        )
        tensors[f"{prefix}.self_attn.q_norm.weight"] = arr(attn["_query_norm"]["scale"])
        tensors[f"{prefix}.self_attn.k_norm.weight"] = arr(attn["_key_norm"]["scale"])
        for name in ("gate_proj", "up_proj", "down_proj"):
            tensors[f"{prefix}.mlp.{name}.weight"] = np.ascontiguousarray(
                arr(layer["mlp"][name]["kernel"]).T
            )
        for ours, theirs in (
            ("pre_attention_norm", "input_layernorm"),
            ("post_attention_norm", "post_attention_layernorm"),
            ("pre_ffw_norm", "pre_feedforward_layernorm"),
            ("post_ffw_norm", "post_feedforward_layernorm"),
        ):
            tensors[f"{prefix}.{theirs}.weight"] = arr(layer[ours]["scale"])
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "model.safetensors"
    safetensors.numpy.save_file(tensors, str(path))
    return path
