"""Folding LoRA adapters into the weights they adapt.

qwix keeps, next to each adapted weight ``w`` (an einsum's ``w`` or a ``Linear``'s
``kernel``), two ``nnx.LoRAParam`` arrays ``{name}_lora_a`` and ``{name}_lora_b`` and computes
``lhs · w + (lhs · a · b) · alpha / rank``. The merged weight is ``w + (a · b) · alpha / rank``,
with ``a · b`` laid out as ``w`` is: for an einsum, the lora einsum string
(``{name}_lora_einsum_str``, e.g. ``"BTD,Dr,rNH->BTNH"``) names the axes of ``a`` and ``b``,
and the module's own einsum string names those of ``w``.

A merged model is the plain model class with those weights: what a GRPO run continues from when
its parent trained adapters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
from flax import nnx

ADAPTED = ("w", "kernel")


class LoraMergeError(ValueError):
    """The adapters cannot be folded into their weights."""


def _delta(module: Any, name: str, scale: float) -> jax.Array:
    a = getattr(module, f"{name}_lora_a").value
    b = getattr(module, f"{name}_lora_b").value
    weight = getattr(module, name).value
    einsum_str = getattr(module, f"{name}_lora_einsum_str", None)
    if einsum_str is None:  # a Linear: kernel (in, out), a (in, r), b (r, out)
        delta = a.reshape(-1, a.shape[-1]) @ b.reshape(b.shape[0], -1)
    else:
        _, a_axes, b_axes = einsum_str.split("->")[0].split(",")
        rhs_axes = module.einsum_str.split("->")[0].split(",")[1]
        delta = jnp.einsum(f"{a_axes},{b_axes}->{rhs_axes}", a, b)
    if delta.size != weight.size:
        raise LoraMergeError(
            f"the adapter of {type(module).__name__}.{name} has {delta.shape}, its weight "
            f"{weight.shape}"
        )
    merged: jax.Array = (delta.reshape(weight.shape) * scale).astype(weight.dtype)
    return merged


def merge_lora(
    model: nnx.Module, *, rank: int, alpha: float, build_base: Callable[[], nnx.Module]
) -> nnx.Module:
    """A model without adapters computing what ``model`` (with adapters) computes.

    ``build_base`` makes the plain model of the same architecture (it is only traced, never
    initialised: its weights all come from ``model``)."""
    scale = alpha / rank
    pure: dict[str, Any] = nnx.to_pure_dict(nnx.state(model, nnx.Param))
    merged = 0
    for path, module in nnx.iter_graph(model):
        for name in ADAPTED:
            if not (hasattr(module, f"{name}_lora_a") and hasattr(module, name)):
                continue
            node: dict[Any, Any] = pure
            for part in path:
                node = node[part]
            node[name] = node[name] + _delta(module, name, scale)
            del node[f"{name}_lora_a"], node[f"{name}_lora_b"]
            merged += 1
    if merged == 0:
        raise LoraMergeError("the model has no LoRA adapters to merge")
    base = nnx.eval_shape(build_base)
    state = nnx.state(base)
    nnx.replace_by_pure_dict(state, pure)
    nnx.update(base, state)
    return base
