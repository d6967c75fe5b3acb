"""Model architectures: every preset resolves to one :class:`Architecture` (a family and all
its dimensions), and one code path turns that into Tunix's model config, checks it against a
mesh and against a weights directory's ``config.json``, and writes the Hugging Face
``config.json`` of an export.

- ``gemma3-1b`` / ``gemma2-2b``: the published shapes of Gemma 3 1B and Gemma 2 2B.
- ``custom``: any size of a supported family, every dimension from ``model.custom``.
- ``tiny``: ``custom`` under the name the CPU configs use (its defaults: a 2-layer Gemma 3).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Family = Literal["gemma3", "gemma2"]
FAMILIES: tuple[Family, ...] = ("gemma3", "gemma2")
EMBED_MULTIPLE = 128
# Gemma 3 repeats five sliding-window layers and one global layer; Gemma 2 alternates them.
GLOBAL_EVERY = {"gemma3": 6, "gemma2": 2}


class ArchitectureError(ValueError):
    """An architecture that cannot be built, sharded or loaded as configured."""


@dataclass(frozen=True, slots=True)
class Architecture:
    family: Family
    num_layers: int
    vocab_size: int
    embed_dim: int
    hidden_dim: int
    num_heads: int
    head_dim: int
    num_kv_heads: int
    sliding_window: int
    query_pre_attn_scalar: float
    local_rope_base: float = 10_000.0
    global_rope_base: float = 10_000.0
    global_rope_scale: float = 1.0
    attn_logit_softcap: float | None = None
    final_logit_softcap: float | None = None

    @property
    def has_global_layer(self) -> bool:
        return self.num_layers >= GLOBAL_EVERY[self.family]

    def layer_types(self) -> list[str]:
        """Hugging Face's names for each layer's attention, in Tunix's order."""
        every = GLOBAL_EVERY[self.family]
        return [
            "full_attention" if (index + 1) % every == 0 else "sliding_attention"
            for index in range(self.num_layers)
        ]

    def summary(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


GEMMA3_1B = Architecture(
    family="gemma3",
    num_layers=26,
    vocab_size=262_144,
    embed_dim=1152,
    hidden_dim=6 * 1152,
    num_heads=4,
    head_dim=256,
    num_kv_heads=1,
    sliding_window=512,
    query_pre_attn_scalar=256,
    local_rope_base=10_000.0,
    global_rope_base=1_000_000.0,
)
GEMMA2_2B = Architecture(
    family="gemma2",
    num_layers=26,
    vocab_size=256_128,
    embed_dim=2304,
    hidden_dim=9216,
    num_heads=8,
    head_dim=256,
    num_kv_heads=4,
    sliding_window=4096,
    query_pre_attn_scalar=256,
    attn_logit_softcap=50.0,
    final_logit_softcap=30.0,
)
PRESETS: dict[str, Architecture] = {"gemma3-1b": GEMMA3_1B, "gemma2-2b": GEMMA2_2B}
CUSTOM_PRESETS = ("tiny", "custom")


def round_vocab(vocab_size: int) -> int:
    """Rounded up to a multiple of 128, so the embedding splits evenly over any mesh axis."""
    return -(-vocab_size // EMBED_MULTIPLE) * EMBED_MULTIPLE


def from_custom(custom: Any, vocab_size: int) -> Architecture:
    """The architecture of ``model.custom`` (a ``CustomModelConfig``); ``vocab_size`` (the
    tokenizer's, rounded up) when it leaves the vocabulary unset."""
    return Architecture(
        family=custom.family,
        num_layers=custom.num_layers,
        vocab_size=custom.vocab_size if custom.vocab_size is not None else round_vocab(vocab_size),
        embed_dim=custom.embed_dim,
        hidden_dim=custom.hidden_dim,
        num_heads=custom.num_heads,
        head_dim=custom.head_dim,
        num_kv_heads=custom.num_kv_heads,
        sliding_window=custom.sliding_window,
        query_pre_attn_scalar=(
            custom.query_pre_attn_scalar
            if custom.query_pre_attn_scalar is not None
            else custom.head_dim
        ),
        local_rope_base=custom.local_rope_base,
        global_rope_base=custom.global_rope_base,
        global_rope_scale=custom.global_rope_scale,
        attn_logit_softcap=custom.attn_logit_softcap,
        final_logit_softcap=custom.final_logit_softcap,
    )


def check_family(arch: Architecture) -> None:
    """What Tunix's modelling code for the family can express; anything else is refused
    rather than silently computed differently."""
    if arch.num_heads % arch.num_kv_heads:
        raise ArchitectureError(
            f"num_heads={arch.num_heads} must be a multiple of num_kv_heads={arch.num_kv_heads}"
        )
    if arch.head_dim % 2:
        raise ArchitectureError(f"head_dim={arch.head_dim} must be even (RoPE)")
    if arch.family == "gemma3":
        if arch.query_pre_attn_scalar not in (arch.head_dim, arch.embed_dim / arch.num_heads):
            raise ArchitectureError(
                "gemma3: query_pre_attn_scalar must be head_dim or embed_dim / num_heads "
                f"(got {arch.query_pre_attn_scalar})"
            )
        if arch.attn_logit_softcap is not None or arch.final_logit_softcap is not None:
            raise ArchitectureError("gemma3 has no logit soft-capping: leave both softcaps null")
        if arch.global_rope_scale < 1:
            raise ArchitectureError("gemma3: global_rope_scale must be >= 1")
    else:
        if arch.query_pre_attn_scalar != arch.head_dim:
            raise ArchitectureError(
                "gemma2: Tunix scales queries by 1/sqrt(head_dim): query_pre_attn_scalar must "
                f"equal head_dim={arch.head_dim} (got {arch.query_pre_attn_scalar})"
            )
        if arch.local_rope_base != arch.global_rope_base or arch.global_rope_base != 10_000:
            raise ArchitectureError("gemma2: every layer uses RoPE base 10000")
        if arch.global_rope_scale != 1:
            raise ArchitectureError("gemma2 has no RoPE scaling: global_rope_scale must be 1")


# --------------------------------------------------------------------------- mesh


def mesh_problems(arch: Architecture, fsdp: int, tp: int) -> list[str]:
    """Why ``arch``'s parameters cannot be sharded on an ``(fsdp, tp)`` mesh, each with its
    fix. Tunix shards heads, KV heads, the vocabulary, the MLP width and the norms' width on
    ``tp``, and the model width on ``fsdp``; a dimension must split evenly (or be 1)."""
    problems: list[str] = []
    on_tp = {
        "num_heads": arch.num_heads,
        "num_kv_heads": arch.num_kv_heads,
        "vocab_size": arch.vocab_size,
        "embed_dim": arch.embed_dim,
        "hidden_dim": arch.hidden_dim,
    }
    # A dimension of size 1 (one KV head) is replicated rather than split.
    bad = [f"{name}={size}" for name, size in on_tp.items() if size % tp and size != 1]
    if bad:
        devices = fsdp * tp
        fits = [
            n
            for n in range(1, devices + 1)
            if all(size % n == 0 or size == 1 for size in on_tp.values())
        ]
        best = max(n for n in fits if devices % n == 0)
        problems.append(
            f"tp={tp} does not divide {', '.join(bad)}; tp can be {', '.join(map(str, fits))} "
            f"for this model: put the other devices on fsdp, e.g. mesh.shape="
            f"[{devices // best}, {best}]"
        )
    on_fsdp = {"embed_dim": arch.embed_dim, "hidden_dim": arch.hidden_dim}
    bad = [f"{name}={size}" for name, size in on_fsdp.items() if size % fsdp]
    if bad:
        problems.append(f"fsdp={fsdp} does not divide {', '.join(bad)}")
    return problems


# --------------------------------------------------------------------------- Tunix


def tunix_config(arch: Architecture, param_dtype: Any, remat: bool) -> Any:
    """Tunix's ``ModelConfig`` for ``arch``."""
    check_family(arch)
    if arch.family == "gemma3":
        from tunix.models.gemma3 import model as gemma3

        norm = (
            gemma3.QueryPreAttentionNormalisation.BY_ONE_OVER_SQRT_HEAD_DIM
            if arch.query_pre_attn_scalar == arch.head_dim
            else gemma3.QueryPreAttentionNormalisation.BY_ONE_OVER_SQRT_EMBED_DIM_DIV_NUM_HEADS
        )
        return gemma3.ModelConfig(
            num_layers=arch.num_layers,
            num_embed=arch.vocab_size,
            embed_dim=arch.embed_dim,
            hidden_dim=arch.hidden_dim,
            num_heads=arch.num_heads,
            head_dim=arch.head_dim,
            num_kv_heads=arch.num_kv_heads,
            sliding_window_size=arch.sliding_window,
            local_base_frequency=int(arch.local_rope_base),
            global_base_frequency=int(arch.global_rope_base),
            global_scale_factor=arch.global_rope_scale,
            query_pre_attn_norm=norm,
            param_dtype=param_dtype,
            remat_config=gemma3.RematConfig.BLOCK if remat else gemma3.RematConfig.NONE,
        )
    from tunix.models.gemma import model as gemma

    local, full = gemma.AttentionType.LOCAL_SLIDING, gemma.AttentionType.GLOBAL
    kinds = [full if kind == "full_attention" else local for kind in arch.layer_types()]
    return gemma.ModelConfig(
        num_layers=arch.num_layers,
        num_embed=arch.vocab_size,
        embed_dim=arch.embed_dim,
        hidden_dim=arch.hidden_dim,
        num_heads=arch.num_heads,
        head_dim=arch.head_dim,
        num_kv_heads=arch.num_kv_heads,
        final_logit_softcap=arch.final_logit_softcap,
        use_post_attn_norm=True,
        use_post_ffw_norm=True,
        attention_types=tuple(kinds),
        attn_logits_soft_cap=arch.attn_logit_softcap,
        sliding_window_size=arch.sliding_window,
        remat_config=gemma.RematConfig.BLOCK if remat else gemma.RematConfig.NONE,
    )


# --------------------------------------------------------------------------- Hugging Face

HF_MODEL = {
    "gemma3": ("Gemma3ForCausalLM", "gemma3_text"),
    "gemma2": ("Gemma2ForCausalLM", "gemma2"),
}


def hf_config(arch: Architecture, dtype: str = "float32") -> dict[str, Any]:
    """The ``config.json`` Hugging Face ``transformers`` builds ``arch`` from."""
    model_class, model_type = HF_MODEL[arch.family]
    config: dict[str, Any] = {
        "architectures": [model_class],
        "model_type": model_type,
        "vocab_size": arch.vocab_size,
        "hidden_size": arch.embed_dim,
        "intermediate_size": arch.hidden_dim,
        "num_hidden_layers": arch.num_layers,
        "num_attention_heads": arch.num_heads,
        "num_key_value_heads": arch.num_kv_heads,
        "head_dim": arch.head_dim,
        "hidden_activation": "gelu_pytorch_tanh",
        "query_pre_attn_scalar": arch.query_pre_attn_scalar,
        "sliding_window": arch.sliding_window,
        "layer_types": arch.layer_types(),
        "attn_logit_softcapping": arch.attn_logit_softcap,
        "final_logit_softcapping": arch.final_logit_softcap,
        "rms_norm_eps": 1e-6,
        "tie_word_embeddings": True,
        "pad_token_id": 0,
        "eos_token_id": 1,
        "bos_token_id": 2,
        "torch_dtype": dtype,
        "dtype": dtype,
        # transformers' softcapping runs only in its eager attention.
        "attn_implementation": "eager" if arch.family == "gemma2" else None,
    }
    if arch.family == "gemma3":
        full: dict[str, Any] = {"rope_type": "default", "rope_theta": arch.global_rope_base}
        if arch.global_rope_scale != 1:
            full = {**full, "rope_type": "linear", "factor": arch.global_rope_scale}
        config["rope_parameters"] = {
            "full_attention": full,
            "sliding_attention": {"rope_type": "default", "rope_theta": arch.local_rope_base},
        }
    else:
        config["rope_parameters"] = {"rope_type": "default", "rope_theta": arch.global_rope_base}
    return {key: value for key, value in config.items() if value is not None or "softcap" in key}


def _rope_bases(config: dict[str, Any]) -> tuple[float | None, float | None, float]:
    """(local, global, global scale) from a config.json of either transformers generation."""
    params = config.get("rope_parameters")
    if isinstance(params, dict) and "full_attention" in params:
        full = params["full_attention"] or {}
        local = params.get("sliding_attention") or {}
        return local.get("rope_theta"), full.get("rope_theta"), float(full.get("factor", 1.0))
    if isinstance(params, dict):
        theta = params.get("rope_theta")
        return theta, theta, float(params.get("factor", 1.0))
    scaling = config.get("rope_scaling") or {}
    theta = config.get("rope_theta")
    local = config.get("rope_local_base_freq", theta)
    return local, theta, float(scaling.get("factor", 1.0))


def weights_mismatches(arch: Architecture, weights_dir: Path) -> list[str]:
    """How ``weights_dir/config.json`` (when there is one) differs from ``arch``: the
    dimensions, and the settings that change the numbers without changing a shape."""
    path = weights_dir / "config.json"
    if not path.is_file():
        return []
    config = json.loads(path.read_text())
    config = config.get("text_config") or config
    model_type = str(config.get("model_type", ""))
    family = "gemma3" if model_type.startswith("gemma3") else model_type
    problems = []
    if family in FAMILIES and family != arch.family:
        problems.append(f"family: the weights are {family}, the config says {arch.family}")
    pairs: list[tuple[str, Any, Any]] = [
        ("num_layers", config.get("num_hidden_layers"), arch.num_layers),
        ("vocab_size", config.get("vocab_size"), arch.vocab_size),
        ("embed_dim", config.get("hidden_size"), arch.embed_dim),
        ("hidden_dim", config.get("intermediate_size"), arch.hidden_dim),
        ("num_heads", config.get("num_attention_heads"), arch.num_heads),
        ("head_dim", config.get("head_dim"), arch.head_dim),
        ("num_kv_heads", config.get("num_key_value_heads"), arch.num_kv_heads),
        ("sliding_window", config.get("sliding_window"), arch.sliding_window),
        ("query_pre_attn_scalar", config.get("query_pre_attn_scalar"), arch.query_pre_attn_scalar),
    ]
    if arch.family == "gemma2" or "final_logit_softcapping" in config:
        pairs.append(
            ("final_logit_softcap", config.get("final_logit_softcapping"), arch.final_logit_softcap)
        )
    if arch.family == "gemma2" or "attn_logit_softcapping" in config:
        pairs.append(
            ("attn_logit_softcap", config.get("attn_logit_softcapping"), arch.attn_logit_softcap)
        )
    local, full, scale = _rope_bases(config)
    pairs += [
        ("local_rope_base", local, arch.local_rope_base),
        ("global_rope_base", full, arch.global_rope_base),
        ("global_rope_scale", scale, arch.global_rope_scale),
    ]
    layer_types = config.get("layer_types")
    if layer_types is not None and list(layer_types) != arch.layer_types():
        problems.append(
            "layer_types: the weights' sliding/full attention pattern is not the "
            f"{arch.family} pattern Tunix builds"
        )
    for name, theirs, ours in pairs:
        if theirs is None:
            continue
        if isinstance(ours, float | int) and isinstance(theirs, float | int):
            if float(theirs) != float(ours):
                problems.append(f"{name}: the weights have {theirs}, the config {ours}")
        elif theirs != ours:
            problems.append(f"{name}: the weights have {theirs}, the config {ours}")
    return problems
