"""``tunix-rt-train plan CONFIG``: what a run needs per device, before a TPU session is spent.

The configured model is built abstractly (``nnx.eval_shape``: shapes and dtypes, no weights),
LoRA is applied as a run applies it, and every parameter is placed by Tunix's sharding
annotations on the configured ``(fsdp, tp)`` mesh (an ``AbstractMesh``: no devices are
needed, so a laptop plans a v5e-8 run). From that come, per device:

- **weights**: every parameter's shard, in ``model.dtype`` (adapters in their own dtype);
- **gradients** and **optimizer state** (AdamW's two moments) of the trainable parameters
  (the adapters with LoRA, else everything);
- for ``grpo``: the **reference** model (a second copy of the weights for a full fine-tune;
  with LoRA the reference is the base the adapters sit on, already counted) and the rollout
  **KV cache** (``batch_size * num_generations`` sequences of ``max_prompt_length +
  max_new_tokens``);
- **activations** of one training step, an estimate: the tensors a decoder layer keeps for the
  backward pass (residual stream, norms, q/k/v, the attention scores and probabilities, the
  MLP's four wide tensors) for every token of the step, or with ``model.remat`` only each
  layer's input plus one layer's set; and the float32 logits with their gradient. They are
  split over ``fsdp * tp`` devices (the batch on fsdp, the wide dimensions on tp).

The parameter figures are exact (they are the shards JAX would allocate); the activation
figure is an estimate and XLA's own temporaries come on top, so ``fits`` keeps 10 % of the
device free.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
from flax import nnx
from flax.nnx import spmd
from jax.sharding import AbstractMesh, NamedSharding, PartitionSpec

from tunix_rt_training import architectures
from tunix_rt_training import model as model_lib
from tunix_rt_training.architectures import Architecture
from tunix_rt_training.config import Config

Kind = Literal["sft", "grpo"]
GIB = 1024**3
USABLE = 0.9  # XLA's temporaries and fragmentation need the rest
# Accelerator memory per chip (GiB): TPU HBM per chip; GPU memory per card.
DEVICES: dict[str, float] = {
    "v3": 16,
    "v4": 32,
    "v5e": 16,
    "v5p": 95,
    "v6e": 32,
    "t4": 16,
    "l4": 24,
    "a100-40gb": 40,
    "a100-80gb": 80,
    "h100": 80,
    "h200": 141,
}


class PlanError(ValueError):
    """The model cannot be planned as configured."""


@dataclass(frozen=True, slots=True)
class Placement:
    """One parameter: where it goes and what each device holds of it."""

    path: str
    shape: tuple[int, ...]
    dtype: str
    spec: tuple[Any, ...]
    shard_shape: tuple[int, ...]
    trainable: bool

    @property
    def shard_bytes(self) -> int:
        return int(np.prod(self.shard_shape)) * np.dtype(self.dtype).itemsize


@dataclass(frozen=True, slots=True)
class Plan:
    kind: Kind
    preset: str
    architecture: dict[str, Any]
    mesh: tuple[int, int]
    dtype: str
    lora: bool
    remat: bool
    parameters: int
    trainable_parameters: int
    bytes_per_device: dict[str, int]
    step: dict[str, int]
    device: str | None = None
    device_bytes: int | None = None
    placements: list[Placement] = field(default_factory=list, repr=False)

    @property
    def devices(self) -> int:
        return self.mesh[0] * self.mesh[1]

    @property
    def total_bytes(self) -> int:
        return sum(self.bytes_per_device.values())

    @property
    def fits(self) -> bool | None:
        if self.device_bytes is None:
            return None
        return self.total_bytes <= USABLE * self.device_bytes

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("placements")
        data.update(total_bytes=self.total_bytes, fits=self.fits, devices=self.devices)
        data["activations_without_remat"] = self.step["activations_without_remat"]
        return data


def _param_bytes(dtype: str) -> str:
    return "bfloat16" if dtype == "bfloat16" else "float32"


@contextlib.contextmanager
def _cheap_tracer_errors() -> Iterator[None]:
    """Tracing LoRA onto the abstract model asks every traced value for its ``sharding``
    (flax's ``set_value``, qwix's ``get_canonical_pspec``: ``getattr(x, "sharding", None)``).
    A tracer answers with an ``AttributeError`` whose message names where the value came from,
    found by walking the whole trace so far: quadratic in the model's depth (24 s of a 25 s
    plan for Gemma 2 2B). The message is thrown away by ``getattr``'s default, so while
    planning it is left empty; JAX's private tracer class is looked up defensively and, if it
    has moved, planning is only slower."""
    try:
        from jax._src.interpreters import partial_eval
    except ImportError:  # pragma: no cover - a JAX that moved its internals
        yield
        return
    tracer = getattr(partial_eval, "DynamicJaxprTracer", None)
    original = getattr(tracer, "_origin_msg", None)
    if tracer is None or original is None:  # pragma: no cover
        yield
        return
    tracer._origin_msg = lambda self: ""
    try:
        yield
    finally:
        tracer._origin_msg = original


def placements(config: Config, arch: Architecture) -> list[Placement]:
    """Every parameter of the configured model (LoRA applied) on the configured mesh."""
    fsdp, tp = config.mesh.shape
    mesh = AbstractMesh((fsdp, tp), tuple(config.mesh.axes))
    tunix_config = architectures.tunix_config(
        arch, model_lib.param_dtype(config.model.dtype), config.model.remat
    )
    model_class = model_lib.model_class(arch.family)

    def build() -> nnx.Module:
        model: nnx.Module = model_class(tunix_config, rngs=nnx.Rngs(params=0))
        if config.model.lora is not None:
            model = model_lib.apply_lora(model, config.model.lora, config.training.seed)
        return model

    with _cheap_tracer_errors():
        abstract = nnx.eval_shape(build)
    lora = config.model.lora is not None
    weights_dtype = _param_bytes(config.model.dtype)
    out = []
    for path, variable in nnx.iter_graph(abstract):
        if not isinstance(variable, nnx.Param):
            continue
        adapter = isinstance(variable, nnx.LoRAParam)
        value = variable.get_value()
        spec = spmd.get_var_pspec(variable) or PartitionSpec()  # type: ignore[no-untyped-call]
        try:
            shard = NamedSharding(mesh, spec).shard_shape(tuple(value.shape))
        except ValueError as exc:
            raise PlanError(f"{'.'.join(map(str, path))}: {exc}") from None
        out.append(
            Placement(
                path=".".join(str(part) for part in path),
                shape=tuple(int(n) for n in value.shape),
                # Loaded weights take model.dtype whatever the module's own default.
                dtype=str(np.dtype(value.dtype)) if adapter else weights_dtype,
                spec=tuple(spec),
                shard_shape=tuple(int(n) for n in shard),
                trainable=adapter or not lora,
            )
        )
    return out


def activation_bytes(
    arch: Architecture, *, sequences: int, length: int, dtype: str, remat: bool, devices: int
) -> int:
    """Per device: what one training step keeps for its backward pass (an estimate; see the
    module docstring)."""
    act = 2 if dtype == "bfloat16" else 4
    d, f, n, k, h = (
        arch.embed_dim,
        arch.hidden_dim,
        arch.num_heads,
        arch.num_kv_heads,
        arch.head_dim,
    )
    window = min(length, arch.sliding_window)
    tokens = sequences * length
    per_layer_token = 8 * d + 2 * n * h + 2 * k * h + 4 * f
    scores = 2 * n * length  # the global layers' scores and probabilities per token
    local_scores = 2 * n * window
    global_layers = sum(1 for t in arch.layer_types() if t == "full_attention")
    local_layers = arch.num_layers - global_layers
    full_layer = tokens * (per_layer_token + scores) * act
    if remat:
        saved = tokens * d * act * arch.num_layers + full_layer
    else:
        saved = (
            tokens
            * act
            * (
                arch.num_layers * per_layer_token
                + global_layers * scores
                + local_layers * local_scores
            )
        )
    logits = 2 * tokens * arch.vocab_size * 4
    return math.ceil((saved + logits) / devices)


def plan(config: Config, kind: Kind, device: str | None = None, vocab_size: int = 0) -> Plan:
    """The plan of ``config`` for a ``kind`` run (``vocab_size``: the tokenizer's, for a
    custom model without one)."""
    if device is not None and device not in DEVICES:
        raise PlanError(f"unknown device {device!r}; known: {', '.join(DEVICES)}")
    arch = model_lib.architecture(config, vocab_size or config.tokenizer.vocab_size)
    fsdp, tp = config.mesh.shape
    problems = architectures.mesh_problems(arch, fsdp, tp)
    if problems:
        raise PlanError(f"mesh.shape=[{fsdp}, {tp}]: " + "; ".join(problems))
    placed = placements(config, arch)
    base = [p for p in placed if not (p.trainable and config.model.lora is not None)]
    trainable = [p for p in placed if p.trainable]
    weights = sum(p.shard_bytes for p in placed)
    trainable_bytes = sum(p.shard_bytes for p in trainable)
    bytes_per_device = {
        "weights": weights,
        "gradients": trainable_bytes,
        "optimizer": 2 * trainable_bytes,
    }
    devices = fsdp * tp
    if kind == "grpo":
        sequences = config.training.batch_size * config.grpo.num_generations
        length = config.rollout.max_prompt_length + config.rollout.max_new_tokens
        if config.model.lora is None:
            bytes_per_device["reference"] = sum(p.shard_bytes for p in base)
        kv_split = fsdp * (tp if arch.num_kv_heads % tp == 0 and arch.num_kv_heads > 1 else 1)
        element = 2 if config.model.dtype == "bfloat16" else 4
        kv = 2 * arch.num_layers * sequences * length * arch.num_kv_heads * arch.head_dim
        bytes_per_device["kv_cache"] = math.ceil(kv * element / kv_split)
    else:
        sequences, length = config.training.batch_size, config.training.seq_len

    def activations(remat: bool) -> int:
        return activation_bytes(
            arch,
            sequences=sequences,
            length=length,
            dtype=config.model.dtype,
            remat=remat,
            devices=devices,
        )

    bytes_per_device["activations"] = activations(config.model.remat)
    step = {
        "sequences": sequences,
        "length": length,
        "activations_with_remat": activations(True),
        "activations_without_remat": activations(False),
    }
    return Plan(
        kind=kind,
        preset=config.model.preset,
        architecture=arch.summary(),
        mesh=(fsdp, tp),
        dtype=config.model.dtype,
        lora=config.model.lora is not None,
        remat=config.model.remat,
        parameters=sum(int(np.prod(p.shape)) for p in placed),
        trainable_parameters=sum(int(np.prod(p.shape)) for p in trainable),
        bytes_per_device=bytes_per_device,
        step=step,
        device=device,
        device_bytes=int(DEVICES[device] * GIB) if device is not None else None,
        placements=placed,
    )


def _gib(value: int) -> str:
    return f"{value / GIB:7.2f} GiB"


def render(result: Plan) -> str:
    arch = result.architecture
    lines = [
        f"{result.kind} plan: {result.preset} ({arch['family']}, {arch['num_layers']} layers, "
        f"width {arch['embed_dim']}, {arch['num_heads']} heads / {arch['num_kv_heads']} KV, "
        f"vocabulary {arch['vocab_size']:,}), {result.dtype}"
        + (", LoRA" if result.lora else ", full fine-tune")
        + (", remat" if result.remat else ""),
        f"mesh [fsdp {result.mesh[0]}, tp {result.mesh[1]}]: {result.devices} device(s)",
        f"parameters: {result.parameters:,} total, {result.trainable_parameters:,} trainable",
        f"step: {result.step['sequences']} sequences x {result.step['length']} tokens",
        "per device:",
    ]
    names = {
        "weights": "weights",
        "gradients": "gradients",
        "optimizer": "optimizer (AdamW)",
        "reference": "reference model",
        "kv_cache": "rollout KV cache",
        "activations": "activations (est.)",
    }
    for key, value in result.bytes_per_device.items():
        lines.append(f"  {names[key]:<22}{_gib(value)}")
    lines.append(f"  {'total':<22}{_gib(result.total_bytes)}")
    other = "without" if result.remat else "with"
    other_key = f"activations_{other}_remat"
    lines.append(f"  (activations {other} model.remat: {_gib(result.step[other_key]).strip()})")
    if result.device is not None and result.device_bytes is not None:
        budget = USABLE * result.device_bytes
        verdict = "fits" if result.fits else "does NOT fit"
        lines.append(
            f"{result.device} ({result.device_bytes / GIB:.0f} GiB per device, "
            f"{budget / GIB:.1f} usable): {verdict} "
            f"({100 * result.total_bytes / budget:.0f} % of usable)"
        )
        if not result.fits:
            hints = []
            if not result.remat:
                hints.append("model.remat=true")
            if not result.lora:
                hints.append("LoRA (model.lora)")
            hints += ["a smaller training.batch_size", "more devices on fsdp"]
            lines.append("try: " + ", ".join(hints))
    return "\n".join(lines)
