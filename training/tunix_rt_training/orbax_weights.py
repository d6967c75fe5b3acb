"""Orbax checkpoints in the upstream Gemma layout (Kaggle's Flax checkpoints), both ways.

The upstream layout is a flat tree keyed by module path, ``{"transformer/layer_0/attn/
q_einsum": {"w": ...}, "transformer/embedder": {"input_embedding": ...}, ...}``. It differs
from Tunix's modules in three places: the MLP's gate and up projections are one stacked
``gating_einsum`` (Gemma 3 stores it transposed, ``(2, F, D)``; Gemma 2 as ``(2, D, F)``),
the down projection is ``mlp/linear``, and Gemma 2's ``post_attention_norm`` is Tunix's
``post_attn_norm``.

:func:`load` restores every array straight into its final sharding on the mesh and in the
configured dtype (each device reads only its shard; no full-precision copy is made on one
device), then maps the tree onto Tunix's modules inside one jitted function whose outputs
keep those shardings. :func:`save` writes a model in the same layout.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx
from jax.sharding import NamedSharding
from jax.sharding import PartitionSpec as P

if TYPE_CHECKING:
    from tunix_rt_training.model import ModelSpec

PREFIX = "transformer"
UNCHANGED = ("q_einsum", "kv_einsum", "qkv_einsum", "attn_vec_einsum", "_query_norm", "_key_norm")
NORMS = ("pre_attention_norm", "pre_ffw_norm", "post_ffw_norm")


def _post_attention(family: str) -> str:
    return "post_attention_norm" if family == "gemma3" else "post_attn_norm"


def _stack(gate: Any, up: Any, family: str) -> Any:
    return jnp.stack([gate, up]) if family == "gemma2" else jnp.stack([gate.T, up.T])


def upstream_paths(
    tunix: dict[str, Any], family: str, stack: Any = _stack
) -> dict[str, dict[str, Any]]:
    """Tunix's pure parameter dict (``nnx.to_pure_dict``) in the upstream layout (``stack``
    makes the stacked gate/up projection of two kernels)."""
    out: dict[str, dict[str, Any]] = {
        f"{PREFIX}/embedder": {"input_embedding": tunix["embedder"]["input_embedding"]},
        f"{PREFIX}/final_norm": {"scale": tunix["final_norm"]["scale"]},
    }
    for index, layer in tunix["layers"].items():
        base = f"{PREFIX}/layer_{index}"
        for name, params in layer["attn"].items():
            out[f"{base}/attn/{name}"] = dict(params)
        gate, up = layer["mlp"]["gate_proj"]["kernel"], layer["mlp"]["up_proj"]["kernel"]
        out[f"{base}/mlp/gating_einsum"] = {"w": stack(gate, up, family)}
        out[f"{base}/mlp/linear"] = {"w": layer["mlp"]["down_proj"]["kernel"]}
        for name in NORMS:
            out[f"{base}/{name}"] = {"scale": layer[name]["scale"]}
        out[f"{base}/post_attention_norm"] = {"scale": layer[_post_attention(family)]["scale"]}
    return out


def tunix_tree(upstream: dict[str, dict[str, Any]], family: str) -> dict[str, Any]:
    """The inverse of :func:`upstream_paths` (jittable: only jnp ops)."""
    layers: dict[int, dict[str, Any]] = {}
    tree: dict[str, Any] = {"layers": layers}
    for path, params in upstream.items():
        parts = path.split("/")[1:]
        if parts == ["embedder"]:
            tree["embedder"] = {"input_embedding": params["input_embedding"]}
            continue
        if parts == ["final_norm"]:
            tree["final_norm"] = {"scale": params["scale"]}
            continue
        layer = layers.setdefault(int(parts[0].removeprefix("layer_")), {"attn": {}, "mlp": {}})
        rest = parts[1:]
        if rest[0] == "attn":
            layer["attn"][rest[1]] = dict(params)
        elif rest == ["mlp", "gating_einsum"]:
            gate, up = params["w"][0], params["w"][1]
            if family == "gemma3":
                gate, up = gate.T, up.T
            layer["mlp"]["gate_proj"] = {"kernel": gate}
            layer["mlp"]["up_proj"] = {"kernel": up}
        elif rest == ["mlp", "linear"]:
            layer["mlp"]["down_proj"] = {"kernel": params["w"]}
        elif rest == ["post_attention_norm"]:
            layer[_post_attention(family)] = {"scale": params["scale"]}
        else:
            layer[rest[0]] = {"scale": params["scale"]}
    return tree


def _upstream_shardings(
    targets: dict[str, Any], family: str, mesh: jax.sharding.Mesh
) -> dict[str, dict[str, NamedSharding]]:
    """Where each upstream array goes: its Tunix parameter's sharding (the stacked gate/up
    projection: the kernels' spec, transposed for Gemma 3, behind an unsharded stack axis)."""

    def stacked(gate: NamedSharding, up: NamedSharding, family: str) -> NamedSharding:
        axes = tuple(gate.spec) + (None,) * (2 - len(gate.spec))
        stacked = (None, *axes) if family == "gemma2" else (None, axes[1], axes[0])
        return NamedSharding(mesh, P(*stacked))  # type: ignore[no-untyped-call]

    return upstream_paths(targets, family, stack=stacked)


def load(spec: ModelSpec, checkpoint: Path, mesh: jax.sharding.Mesh, dtype: Any) -> nnx.Module:
    """The model of ``spec`` with the weights of an upstream-layout orbax checkpoint, each
    array restored in ``dtype`` directly into its sharding on ``mesh``."""
    import orbax.checkpoint as ocp

    from tunix_rt_training.model import ModelError, model_class

    with mesh:
        abstract = nnx.eval_shape(lambda: model_class(spec.family)(spec.config, rngs=nnx.Rngs(0)))
    state = nnx.state(abstract, nnx.Param)
    shapes = nnx.to_pure_dict(state)
    shardings = nnx.to_pure_dict(nnx.get_named_sharding(state, mesh))

    def stacked_shape(gate: Any, up: Any, family: str) -> tuple[int, ...]:
        rows, cols = gate.shape
        return (2, rows, cols) if family == "gemma2" else (2, cols, rows)

    upstream_shapes = upstream_paths(shapes, spec.family, stack=stacked_shape)
    upstream_shardings = _upstream_shardings(shardings, spec.family, mesh)

    checkpointer = ocp.StandardCheckpointer()
    stored = checkpointer.metadata(str(checkpoint.resolve()))
    stored_tree = getattr(stored, "item_metadata", stored)
    stored_tree = getattr(stored_tree, "tree", stored_tree)
    missing = sorted(set(upstream_shapes) - set(stored_tree))
    if missing:
        raise ModelError(
            f"the orbax checkpoint {checkpoint} is not a {spec.family} checkpoint of this "
            f"shape: it lacks {missing[:3]}{' …' if len(missing) > 3 else ''}"
        )
    target: dict[str, dict[str, jax.ShapeDtypeStruct]] = {}
    for path, params in upstream_shapes.items():
        target[path] = {}
        for name, leaf in params.items():
            shape = tuple(stored_tree[path][name].shape)
            needed = tuple(getattr(leaf, "shape", leaf))
            if shape != needed:
                raise ModelError(
                    f"the orbax checkpoint {checkpoint} holds {path}/{name} of shape {shape}; "
                    f"this architecture needs {needed}"
                )
            target[path][name] = jax.ShapeDtypeStruct(  # type: ignore[no-untyped-call]
                shape, dtype, sharding=upstream_shardings[path][name]
            )
    restored = checkpointer.restore(str(checkpoint.resolve()), target=target)
    # Only the arrays this model uses are kept (a multimodal checkpoint also holds a vision
    # tower); the mapping runs where the arrays already are.
    restored = {path: restored[path] for path in upstream_shapes}
    mapped = jax.jit(
        lambda tree: tunix_tree(tree, spec.family),
        out_shardings=shardings,
    )(restored)
    nnx.update(abstract, mapped)
    model: nnx.Module = abstract
    return model


def save(model: nnx.Module, family: str, out_dir: Path) -> Path:
    """Write ``model``'s parameters (no LoRA adapters) as an upstream-layout orbax checkpoint."""
    import orbax.checkpoint as ocp

    params = nnx.to_pure_dict(nnx.state(model, nnx.Param))
    upstream = jax.tree.map(
        lambda value: np.asarray(jax.device_get(value)), upstream_paths(params, family)
    )
    checkpointer = ocp.StandardCheckpointer()
    checkpointer.save(str(out_dir.resolve()), upstream)
    checkpointer.wait_until_finished()
    return out_dir
