"""The config sections that describe the model: ``model`` (a preset or a custom architecture,
local weights, dtype, LoRA), ``tokenizer`` and ``mesh``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from tunix_rt_training.architectures import (
    CUSTOM_PRESETS,
    EMBED_MULTIPLE,
    PRESETS,
    Architecture,
    Family,
    from_custom,
)
from tunix_rt_training.section import Section

ModelPreset = Literal["tiny", "custom", "gemma3-1b", "gemma2-2b"]
MODEL_PRESETS: tuple[ModelPreset, ...] = ("tiny", "custom", "gemma3-1b", "gemma2-2b")
DEFAULT_LORA_MODULES = (
    ".*q_einsum|.*kv_einsum|.*qkv_einsum|.*attn_vec_einsum|.*gate_proj|.*up_proj|.*down_proj"
)


class LoraConfig(Section):
    rank: int = Field(default=16, ge=1)
    alpha: float = Field(default=32.0, gt=0)
    modules: str = Field(
        default=DEFAULT_LORA_MODULES, description="Regex of module paths that get adapters."
    )


class CustomModelConfig(Section):
    """Any size of a supported architecture: preset ``custom`` (and ``tiny``, whose defaults
    these are: a 2-layer Gemma 3 small enough to train on a CPU)."""

    family: Family = Field(default="gemma3", description="gemma3 or gemma2.")
    num_layers: int = Field(default=2, ge=1)
    vocab_size: int | None = Field(
        default=None,
        ge=1,
        description="null: the weights' (model.weights_dir), else the tokenizer's rounded up "
        "to a multiple of 128.",
    )
    embed_dim: int = Field(default=128, ge=8)
    hidden_dim: int = Field(default=512, ge=8, description="MLP width.")
    num_heads: int = Field(default=4, ge=1)
    head_dim: int = Field(default=32, ge=2)
    num_kv_heads: int = Field(default=1, ge=1)
    sliding_window: int = Field(
        default=4096,
        ge=1,
        description="Local layers' window. A model without a global layer (Gemma 3 under 6 "
        "layers) sees only this far back: keep it >= every sequence length.",
    )
    query_pre_attn_scalar: float | None = Field(
        default=None, gt=0, description="Queries are scaled by its inverse root; null: head_dim."
    )
    local_rope_base: float = Field(default=10_000.0, gt=0)
    global_rope_base: float = Field(
        default=1_000_000.0, gt=0, description="Gemma 3's global layers (Gemma 2: 10000)."
    )
    global_rope_scale: float = Field(default=1.0, ge=1, description="Linear RoPE scaling.")
    attn_logit_softcap: float | None = Field(default=None, gt=0, description="Gemma 2: 50.")
    final_logit_softcap: float | None = Field(default=None, gt=0, description="Gemma 2: 30.")

    @model_validator(mode="before")
    @classmethod
    def _family_defaults(cls, data: Any) -> Any:
        # Gemma 2 uses base 10000 everywhere: the default follows the family.
        if isinstance(data, dict) and data.get("family") == "gemma2":
            data = {"global_rope_base": 10_000.0, **data}
        return data

    @model_validator(mode="after")
    def _expressible(self) -> CustomModelConfig:
        from tunix_rt_training.architectures import ArchitectureError, check_family, from_custom

        try:
            check_family(from_custom(self, vocab_size=1))
        except ArchitectureError as exc:
            raise ValueError(f"model.custom: {exc}") from None
        return self


class ModelConfig(Section):
    preset: ModelPreset = "tiny"
    weights_dir: Path | None = Field(
        default=None,
        description="Local weights: required for the Gemma presets, optional for custom/tiny.",
    )
    weights_format: Literal["safetensors", "orbax"] = "safetensors"
    dtype: Literal["float32", "bfloat16"] = "float32"
    lora: LoraConfig | None = Field(default=None, description="null: full fine-tune.")
    custom: CustomModelConfig = Field(
        default_factory=CustomModelConfig,
        description="The architecture of presets custom and tiny (`model.tiny` is its older name).",
    )
    remat: bool = Field(default=False, description="Rematerialise decoder blocks (less memory).")

    @model_validator(mode="before")
    @classmethod
    def _older_name(cls, data: Any) -> Any:
        # `model.tiny` (older configs and run manifests) is `model.custom`; custom's keys win.
        if isinstance(data, dict) and isinstance(data.get("tiny"), dict):
            data = dict(data)
            tiny = data.pop("tiny")
            custom = data.get("custom")
            data["custom"] = {**tiny, **(custom if isinstance(custom, dict) else {})}
        return data

    @model_validator(mode="after")
    def _weights(self) -> ModelConfig:
        if self.preset not in CUSTOM_PRESETS and self.weights_dir is None:
            raise ValueError(
                f"model.weights_dir is required for preset {self.preset!r}: point it at a local "
                "directory of safetensors (HF layout) or an orbax checkpoint"
            )
        return self

    def nominal_architecture(self) -> Architecture:
        """The architecture before the weights or the tokenizer fix the vocabulary (tiny and
        custom without a vocab_size: a multiple of 128)."""
        if self.preset in CUSTOM_PRESETS:
            return from_custom(self.custom, vocab_size=EMBED_MULTIPLE)
        return PRESETS[self.preset]


class TokenizerConfig(Section):
    path: Path | None = Field(
        default=None,
        description="A sentencepiece tokenizer.model. Preset `tiny` without one trains a BPE "
        "tokenizer on the training texts and saves it in the run directory.",
    )
    vocab_size: int = Field(default=1000, ge=300, description="Size of the BPE built for `tiny`.")


class MeshConfig(Section):
    shape: tuple[int, int] = Field(default=(1, 1), description="(fsdp, tp) device counts.")
    axes: tuple[str, str] = ("fsdp", "tp")

    @field_validator("shape")
    @classmethod
    def _positive(cls, value: tuple[int, int]) -> tuple[int, int]:
        if min(value) < 1:
            raise ValueError("mesh.shape sizes must be >= 1")
        return value

    @field_validator("axes")
    @classmethod
    def _named(cls, value: tuple[str, str]) -> tuple[str, str]:
        if tuple(value) != ("fsdp", "tp"):
            raise ValueError(
                "mesh.axes must be [fsdp, tp]: Tunix's sharding annotations use those names"
            )
        return value
