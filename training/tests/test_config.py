"""Config: YAML into models that refuse unknown keys; dotted key=value overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from tunix_rt_training.cli import main
from tunix_rt_training.config import ConfigError, apply_overrides, load_config


def test_tiny_config_loads_with_documented_defaults(tiny_config: Path) -> None:
    config = load_config(tiny_config)
    assert config.model.preset == "tiny"
    assert config.model.lora is None
    assert config.mesh.shape == (1, 1)
    assert config.mesh.axes == ("fsdp", "tp")
    assert config.data.path == Path("training/data/gsm8k_16.tunix_sft.jsonl")
    assert config.resolved()["training"]["max_steps"] == config.training.max_steps


def test_overrides_reach_nested_keys_and_parse_yaml_values(tiny_config: Path) -> None:
    config = load_config(
        tiny_config,
        [
            "training.max_steps=7",
            "training.learning_rate=3e-4",
            "mesh.shape=[2, 2]",
            "model.lora={rank: 4, alpha: 8}",
            "api.url=http://127.0.0.1:9/",
            "data.packing=false",
        ],
    )
    assert config.training.max_steps == 7
    assert config.training.learning_rate == pytest.approx(3e-4)
    assert config.mesh.shape == (2, 2)
    assert config.model.lora is not None
    assert config.model.lora.rank == 4
    assert config.api.url == "http://127.0.0.1:9"
    assert config.data.packing is False
    assert load_config(tiny_config, ["model.lora.rank=8"]).model.lora is not None


def test_later_override_wins_and_null_turns_a_section_off(tiny_config: Path) -> None:
    config = load_config(tiny_config, ["model.lora.rank=8", "model.lora=null"])
    assert config.model.lora is None


def test_unknown_key_is_refused_with_a_suggestion(tiny_config: Path) -> None:
    with pytest.raises(
        ConfigError,
        match=r"training\.max_step: unknown key \(did you mean "
        r"training\.max_steps\?\)",
    ):
        load_config(tiny_config, ["training.max_step=3"])


def test_unknown_section_in_yaml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("trainer:\n  max_steps: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"trainer: unknown key \(did you mean training\?\)"):
        load_config(path)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("training.max_steps=0", r"training\.max_steps: Input should be greater than or equal"),
        ("training.batch_size=many", r"training\.batch_size: Input should be a valid integer"),
        ("mesh.axes=[data, model]", r"mesh\.axes: mesh\.axes must be \[fsdp, tp\]"),
        ("model.preset=gemma3-1b", r"model\.weights_dir is required for preset 'gemma3-1b'"),
        ("model.preset=llama", r"model\.preset: Input should be 'tiny'"),
        ("training.seq_len=8192", r"sliding_window \(4096\) must be >= training\.seq_len \(8192\)"),
        ("eval.scorers=[answer_match, vibes]", r"unknown scorers \['vibes'\]"),
        ("api.url=ftp://host", r"api\.url must start with http"),
        ("data.dataset=gsm8k-v1", r"set data\.path or data\.dataset_key, not both"),
        ("data.dataset_key=gsm8k-v1", r"set data\.path or data\.dataset_key, not both"),
        ("eval.every_steps=10", r"eval\.every_steps needs held-out records"),
        ("data.eval_split=eval", r"data\.eval_split needs data\.dataset_key"),
        ("rewards={answer_match: 1, vibes: 2}", r"rewards: unknown scorers \['vibes'\]"),
        ("rewards={answer_match: 0}", r"at least one scorer with a non-zero weight"),
        ("rewards.answer_match=.nan", r"reward weights must be finite"),
        ("grpo.num_generations=1", r"grpo\.num_generations: Input should be greater than or equal"),
        (
            "rollout.max_new_tokens=8000",
            r"sliding_window \(4096\) must be >= rollout\.max_prompt_length",
        ),
        ("rollout.temperature=0", r"rollout\.temperature: Input should be greater than 0"),
    ],
)
def test_invalid_values_name_the_key(tiny_config: Path, override: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(tiny_config, [override])


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("max_steps", "is not key=value"),
        ("=3", "is not key=value"),
        ("training..max_steps=3", "empty part"),
        ("training.max_steps.x=3", "training.max_steps is a value, not a section"),
        ("training.max_steps=[1", "not valid YAML"),
    ],
)
def test_malformed_overrides_are_refused(override: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        apply_overrides({"training": {"max_steps": 2}}, [override])


def test_cli_reports_config_errors_with_exit_code_2(
    tiny_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sft", str(tiny_config), "training.max_stepz=3"]) == 2
    err = capsys.readouterr().err
    assert "training.max_stepz: unknown key (did you mean training.max_steps?)" in err
    assert "Traceback" not in err


def test_cli_reports_a_missing_config_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", str(tmp_path / "nope.yaml")]) == 2
    assert "cannot read config" in capsys.readouterr().err
