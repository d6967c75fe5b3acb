"""Run configuration: YAML validated into Pydantic models that refuse unknown keys, with
``key=value`` overrides on the command line (dotted keys reach nested sections).

Overrides are parsed as YAML scalars, so ``training.max_steps=10`` is an int, ``model.lora=null``
turns LoRA off and ``mesh.shape=[2,2]`` is a list. Relative paths are relative to the directory
the command runs in (the repository root in the docs).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from tunix_rt_backend.contracts import SCORERS
from tunix_rt_training.architectures import (
    CUSTOM_PRESETS,
    mesh_problems,
)
from tunix_rt_training.config_distributed import DistributedConfig
from tunix_rt_training.config_model import (
    LoraConfig as LoraConfig,
)
from tunix_rt_training.config_model import (
    MeshConfig as MeshConfig,
)
from tunix_rt_training.config_model import (
    ModelConfig,
    TokenizerConfig,
)
from tunix_rt_training.config_rl import GrpoConfig, InitConfig, ReportConfig, RolloutConfig
from tunix_rt_training.overrides import ConfigError, apply_overrides, read_yaml

__all__ = ["Config", "ConfigError", "apply_overrides", "build_config", "load_config"]
from tunix_rt_training.section import Section

DEFAULT_EVAL_SCORERS = ["answer_match", "format_exact", "format_approx", "gsm8k_reward"]
DEFAULT_REWARDS = {"format_exact": 1.0, "answer_match": 2.0}


REDACTED = "<redacted>"


class DataConfig(Section):
    path: Path | None = Field(
        default=None,
        description="A JSONL export: `tunix_sft` for sft, `prompt_only` (or `tunix_sft`) for "
        "grpo and eval.",
    )
    dataset_key: str | None = Field(
        default=None,
        validation_alias=AliasChoices("dataset_key", "dataset"),
        description="A dataset key, exported by `api.url` in the format the command needs "
        "(`data.dataset` is the older name).",
    )
    split: str = Field(default="train", min_length=1, description="Split of `data.dataset_key`.")
    eval_path: Path | None = Field(
        default=None,
        description="Held-out records (`tunix_sft` or `prompt_only`) evaluated during training "
        "every `eval.every_steps`.",
    )
    eval_split: str | None = Field(
        default=None,
        min_length=1,
        description="With `data.dataset_key`: the split evaluated during training, e.g. eval.",
    )
    limit: int | None = Field(default=None, ge=1, description="Use only the first N records.")
    packing: bool = Field(
        default=True,
        description="Pack several examples into each row (block-diagonal attention); "
        "off: one example per row, padded.",
    )
    shuffle: bool = Field(default=True, description="Shuffle rows each epoch (seeded).")

    @model_validator(mode="after")
    def _one_source(self) -> DataConfig:
        if self.path is not None and self.dataset_key is not None:
            raise ValueError("set data.path or data.dataset_key, not both")
        if self.eval_path is not None and self.eval_split is not None:
            raise ValueError("set data.eval_path or data.eval_split, not both")
        if self.eval_split is not None and self.dataset_key is None:
            raise ValueError("data.eval_split needs data.dataset_key (a file has no splits)")
        return self

    @property
    def has_eval(self) -> bool:
        return self.eval_path is not None or self.eval_split is not None


class ApiConfig(Section):
    url: str | None = Field(
        default=None, description="tunix-rt server to report to, e.g. http://127.0.0.1:8000."
    )
    token: str | None = Field(
        default=None,
        description="API key, sent as `Authorization: Bearer …`; default $TUNIX_RT_API_KEY.",
    )
    timeout_s: float = Field(default=30.0, gt=0)
    metrics_batch_steps: int = Field(
        default=20, ge=1, description="Post metrics every N steps (and at the end)."
    )

    @field_validator("url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("api.url must start with http:// or https://")
        return value


class OutputConfig(Section):
    dir: Path | None = Field(
        default=None,
        description="Run directory; default artifacts/training_runs/<run_id>/ "
        "(artifacts/evaluations/<id>/ for eval).",
    )


class TrainingConfig(Section):
    max_steps: int = Field(default=100, ge=1)
    batch_size: int = Field(default=8, ge=1, description="Rows per optimizer micro-step.")
    seq_len: int = Field(default=512, ge=16, description="Tokens per row.")
    learning_rate: float = Field(default=1e-4, gt=0)
    lr_schedule: Literal["constant", "cosine", "linear"] = "cosine"
    warmup_steps: int = Field(default=0, ge=0)
    gradient_accumulation_steps: int = Field(default=1, ge=1)
    weight_decay: float = Field(default=0.0, ge=0)
    grad_clip: float | None = Field(default=1.0, gt=0, description="Global-norm clip; null: off.")
    seed: int = 0
    checkpoint_every: int = Field(default=100, ge=1, description="Save every N steps.")
    keep_checkpoints: int = Field(default=2, ge=1)
    log_every: int = Field(default=10, ge=1, description="Console line every N steps.")


class EvalConfig(Section):
    name: str | None = Field(default=None, description="Evaluation name (default derived).")
    every_steps: int | None = Field(
        default=None,
        ge=1,
        description="sft and grpo: evaluate the held-out records (data.eval_path or "
        "data.eval_split) every N steps and at the end, logging eval/<scorer>; null: never.",
    )
    batch_size: int = Field(default=16, ge=1)
    max_new_tokens: int = Field(default=256, ge=1)
    temperature: float = Field(default=0.0, ge=0, description="0: greedy.")
    top_p: float = Field(default=1.0, gt=0, le=1, description="Used when temperature > 0.")
    seed: int = 0
    limit: int | None = Field(default=None, ge=1)
    scorers: list[str] = Field(default_factory=lambda: list(DEFAULT_EVAL_SCORERS), min_length=1)

    @field_validator("scorers")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        check_scorers(value)
        return value


def _window_key(preset: str) -> str:
    return "model.custom.sliding_window" if preset in CUSTOM_PRESETS else f"{preset}'s window"


def check_scorers(names: Sequence[str]) -> None:
    unknown = [name for name in names if name not in SCORERS]
    if unknown:
        raise ValueError(f"unknown scorers {unknown}; known: {', '.join(SCORERS)}")


class Config(Section):
    run_name: str | None = Field(default=None, description="Label for the run (default: id).")
    data: DataConfig = Field(default_factory=DataConfig)
    api: ApiConfig = Field(default_factory=ApiConfig)
    output: OutputConfig = Field(default_factory=OutputConfig)
    checkpoint: Path | None = Field(
        default=None, description="eval: a training run directory to load (else the base model)."
    )
    training: TrainingConfig = Field(default_factory=TrainingConfig)
    model: ModelConfig = Field(default_factory=ModelConfig)
    tokenizer: TokenizerConfig = Field(default_factory=TokenizerConfig)
    mesh: MeshConfig = Field(default_factory=MeshConfig)
    distributed: DistributedConfig = Field(default_factory=DistributedConfig)
    eval: EvalConfig = Field(default_factory=EvalConfig)
    init: InitConfig = Field(default_factory=InitConfig)
    grpo: GrpoConfig = Field(default_factory=GrpoConfig)
    rollout: RolloutConfig = Field(default_factory=RolloutConfig)
    rewards: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_REWARDS),
        description="grpo: scorer name -> weight; the reward of a completion is the weighted "
        "sum of the scorers' values (the same functions the server scores with).",
    )
    report: ReportConfig = Field(default_factory=ReportConfig)

    @field_validator("rewards")
    @classmethod
    def _rewards(cls, value: dict[str, float]) -> dict[str, float]:
        check_scorers(list(value))
        if not value or all(weight == 0 for weight in value.values()):
            raise ValueError("rewards needs at least one scorer with a non-zero weight")
        bad = [name for name, weight in value.items() if not math.isfinite(weight)]
        if bad:
            raise ValueError(f"reward weights must be finite numbers: {bad}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Config:
        if self.model.preset not in CUSTOM_PRESETS and self.tokenizer.path is None:
            raise ValueError(
                f"tokenizer.path is required for preset {self.model.preset!r} "
                "(the model's tokenizer.model)"
            )
        arch = self.model.nominal_architecture()
        if not arch.has_global_layer or arch.family == "gemma2":
            why = (
                f"a {arch.family} model of {arch.num_layers} layer(s) has no global layer: it "
                "only sees that far back, so it would not see the question"
                if not arch.has_global_layer
                else "Tunix's Gemma 2 places the window by position in the row or cache, "
                "which is right only when the window covers the whole sequence (a packed or "
                "left-padded sequence would attend to the wrong tokens)"
            )
            if arch.sliding_window < self.training.seq_len:
                raise ValueError(
                    f"{_window_key(self.model.preset)} ({arch.sliding_window}) must be >= "
                    f"training.seq_len ({self.training.seq_len}): {why}"
                )
            rollout = self.rollout.max_prompt_length + self.rollout.max_new_tokens
            if arch.sliding_window < rollout:
                raise ValueError(
                    f"{_window_key(self.model.preset)} ({arch.sliding_window}) must be >= "
                    f"rollout.max_prompt_length + rollout.max_new_tokens ({rollout}): {why}"
                )
        fsdp, tp = self.mesh.shape
        problems = mesh_problems(arch, fsdp, tp)
        if self.training.batch_size % fsdp:
            problems.append(
                f"fsdp={fsdp} does not divide training.batch_size={self.training.batch_size}: "
                "make the batch a multiple of mesh.shape[0]"
            )
        if problems:
            raise ValueError(f"mesh.shape={list(self.mesh.shape)}: " + "; ".join(problems))
        if self.eval.every_steps is not None and not self.data.has_eval:
            raise ValueError(
                "eval.every_steps needs held-out records: set data.eval_path (a file) or "
                "data.eval_split (a split of data.dataset_key)"
            )
        return self

    def resolved(self) -> dict[str, Any]:
        """The config as JSON-ready data (what run_manifest.json and the API get), with
        ``api.token`` redacted."""
        data = self.model_dump(mode="json")
        if data["api"]["token"] is not None:
            data["api"]["token"] = REDACTED
        return data


# --------------------------------------------------------------------------- loading


def build_config(data: Mapping[str, Any], source: str = "config") -> Config:
    """Validate ``data``; ``ConfigError`` listing every problem with its dotted key."""
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source)) from None


def load_config(path: Path | None, overrides: Sequence[str] = ()) -> Config:
    """The config from ``path`` (or the defaults) with ``overrides`` applied, validated."""
    data = read_yaml(path) if path is not None else {}
    source = str(path) if path is not None else "config"
    return build_config(apply_overrides(data, overrides), source)


def _describe(exc: ValidationError, source: str) -> str:
    lines = [f"{source}: {exc.error_count()} problem(s)"]
    for error in exc.errors():
        location = ".".join(str(part) for part in error["loc"])
        if error["type"] == "extra_forbidden":
            hint = _suggest(error["loc"])
            lines.append(f"  {location}: unknown key{hint}")
        else:
            message = error["msg"].removeprefix("Value error, ")
            if location:
                lines.append(f"  {location}: {message} (got {error.get('input')!r})")
            else:  # a rule across sections: the input is the whole config
                lines.append(f"  {message}")
    return "\n".join(lines)


def _suggest(loc: tuple[int | str, ...]) -> str:
    model: type[BaseModel] = Config
    for part in loc[:-1]:
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field is not None else None
        candidates = [annotation, *getattr(annotation, "__args__", ())]
        nested = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None
        )
        if nested is None:
            return ""
        model = nested
    known = list(model.model_fields)
    close = difflib.get_close_matches(str(loc[-1]), known, n=1)
    prefix = ".".join(str(p) for p in loc[:-1])
    if close:
        return f" (did you mean {prefix + '.' if prefix else ''}{close[0]}?)"
    return f"; known keys: {', '.join(known)}"
