"""Taking a trained model elsewhere: ``tunix-rt-train export RUN_DIR --format F --out DIR``.

The run's policy at its latest checkpoint (or ``--step``), LoRA adapters folded into the
base weights, written as

- ``safetensors``: a Hugging Face checkpoint, ``config.json`` + ``model.safetensors``, that
  ``transformers`` loads (``Gemma3ForCausalLM`` / ``Gemma2ForCausalLM``) and that
  ``model.weights_dir`` loads back;
- ``orbax``: the upstream Gemma layout of Kaggle's Flax checkpoints, which Tunix's Gemma
  modelling code (and ``model.weights_format=orbax``) loads.

Both also get the run's ``tokenizer.model`` and an ``export_manifest.json`` saying what was
exported from where. The directory is written under a temporary name and renamed into place,
so a failed export leaves nothing that looks complete.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import jax
import numpy as np
from flax import nnx

from tunix_rt_training import architectures, loading, orbax_weights, runs
from tunix_rt_training import model as model_lib
from tunix_rt_training import tokenizer as tokenizer_lib
from tunix_rt_training.architectures import Architecture
from tunix_rt_training.config import MeshConfig

ExportFormat = Literal["safetensors", "orbax"]
EXPORT_MANIFEST = "export_manifest.json"
ORBAX_DIR = "checkpoint"


class ExportError(ValueError):
    """The run cannot be exported as asked."""


@dataclass(frozen=True, slots=True)
class Exported:
    out_dir: Path
    format: ExportFormat
    step: int
    parameters: int


def hf_tensors(model: nnx.Module, arch: Architecture) -> dict[str, np.ndarray[Any, Any]]:
    """A model without adapters as Hugging Face tensors (names and layouts of
    ``Gemma3ForCausalLM`` / ``Gemma2ForCausalLM``), in the model's dtype."""
    if model_lib.is_lora(model):
        raise ExportError("merge the LoRA adapters first: hf_tensors takes a plain model")
    params = nnx.to_pure_dict(nnx.state(model, nnx.Param))
    heads, kv_heads = arch.num_heads, arch.num_kv_heads
    head_dim, embed = arch.head_dim, arch.embed_dim

    def arr(value: Any) -> np.ndarray[Any, Any]:
        return np.asarray(jax.device_get(value))

    def proj(w_ndh: np.ndarray[Any, Any], count: int) -> np.ndarray[Any, Any]:
        # (N, D, H) -> HF (N*H, D)
        return np.ascontiguousarray(w_ndh.transpose(1, 0, 2).reshape(embed, count * head_dim).T)

    tensors: dict[str, np.ndarray[Any, Any]] = {
        "model.embed_tokens.weight": arr(params["embedder"]["input_embedding"]),
        "model.norm.weight": arr(params["final_norm"]["scale"]),
    }
    post_attention = "post_attention_norm" if arch.family == "gemma3" else "post_attn_norm"
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
        if arch.family == "gemma3":
            tensors[f"{prefix}.self_attn.q_norm.weight"] = arr(attn["_query_norm"]["scale"])
            tensors[f"{prefix}.self_attn.k_norm.weight"] = arr(attn["_key_norm"]["scale"])
        for name in ("gate_proj", "up_proj", "down_proj"):
            tensors[f"{prefix}.mlp.{name}.weight"] = np.ascontiguousarray(
                arr(layer["mlp"][name]["kernel"]).T
            )
        for ours, theirs in (
            ("pre_attention_norm", "input_layernorm"),
            (post_attention, "post_attention_layernorm"),
            ("pre_ffw_norm", "pre_feedforward_layernorm"),
            ("post_ffw_norm", "post_feedforward_layernorm"),
        ):
            tensors[f"{prefix}.{theirs}.weight"] = arr(layer[ours]["scale"])
    return tensors


def write_safetensors(model: nnx.Module, arch: Architecture, out_dir: Path) -> Path:
    """``config.json`` + ``model.safetensors`` of a plain model in ``out_dir``."""
    import safetensors.numpy

    tensors = hf_tensors(model, arch)
    dtype = "bfloat16" if tensors["model.norm.weight"].dtype.name == "bfloat16" else "float32"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "config.json").write_text(
        json.dumps(architectures.hf_config(arch, dtype), indent=2) + "\n"
    )
    path = out_dir / "model.safetensors"
    safetensors.numpy.save_file(tensors, str(path), metadata={"format": "pt"})
    return path


def _mesh(config: MeshConfig) -> jax.sharding.Mesh:
    """The run's mesh when this machine has its devices, else one device."""
    fsdp, tp = config.shape
    if fsdp * tp <= jax.device_count():
        return model_lib.make_mesh(config)
    return model_lib.make_mesh(MeshConfig(shape=(1, 1)))


def export_run(
    run_dir: Path, fmt: ExportFormat, out_dir: Path, step: int | None = None
) -> Exported:
    """Export ``run_dir``'s policy (adapters merged) to ``out_dir`` (which must not exist)."""
    if not (run_dir / runs.MANIFEST).exists():
        raise ExportError(f"{run_dir} is not a training run directory (no {runs.MANIFEST})")
    if out_dir.exists():
        raise ExportError(f"{out_dir} already exists: choose a new --out directory")
    run_config, _ = runs.load_run_config(run_dir)
    mesh = _mesh(run_config.mesh)
    loaded = loading.load_policy(run_dir, mesh, step=step)
    partial = out_dir.with_name(f".{out_dir.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        if fmt == "safetensors":
            write_safetensors(loaded.model, loaded.spec.arch, partial)
        else:
            orbax_weights.save(loaded.model, loaded.spec.family, partial / ORBAX_DIR)
        tokenizer_lib.save(loaded.tokenizer, partial / tokenizer_lib.TOKENIZER_FILE)
        parameters = model_lib.parameter_count(loaded.model)
        manifest = {
            "format": fmt,
            "run_id": loaded.manifest.get("run_id"),
            "run_dir": str(run_dir.resolve()),
            "kind": loaded.manifest.get("kind", "sft"),
            "step": loaded.step,
            "lora_merged": loaded.config.model.lora is not None,
            "architecture": loaded.spec.arch.summary(),
            "parameters": parameters,
            "dtype": loaded.config.model.dtype,
            "tokenizer": loaded.tokenizer_info,
            "load_with": _how_to_load(fmt, loaded.spec.arch, out_dir),
        }
        (partial / EXPORT_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        partial.rename(out_dir)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return Exported(out_dir, fmt, loaded.step, parameters)


def _how_to_load(fmt: ExportFormat, arch: Architecture, out_dir: Path) -> str:
    """The overrides that load the export (a named preset when it is one, whatever its
    vocabulary, else the custom architecture)."""
    preset = next(
        (
            name
            for name, known in architectures.PRESETS.items()
            if dataclasses.replace(arch, vocab_size=known.vocab_size) == known
        ),
        None,
    )
    if preset is not None:
        overrides = f"model.preset={preset}"
    else:
        overrides = "model.preset=custom " + " ".join(
            f"model.custom.{key}={value}"
            for key, value in arch.summary().items()
            if value is not None
        )
    weights = out_dir if fmt == "safetensors" else out_dir / ORBAX_DIR
    return (
        f"tunix-rt-train eval CONFIG {overrides} model.weights_dir={weights} "
        f"model.weights_format={fmt} tokenizer.path={out_dir / tokenizer_lib.TOKENIZER_FILE}"
    )
