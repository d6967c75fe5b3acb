"""The console lines a run prints every ``training.log_every`` steps: what a log file gets."""

from __future__ import annotations

from tunix_rt_training import grpo_setup, sft
from tunix_rt_training.config import load_config
from tunix_rt_training.hooks import elapsed_and_left

from .conftest import GRPO_CONFIG, ConfigFactory


def test_time_left_is_the_mean_pace_so_far_times_the_steps_left() -> None:
    assert elapsed_and_left(1, 100, 2.0) == "2.0s, ~3m18s left"
    assert elapsed_and_left(50, 100, 30.0) == "30.0s, ~30s left"
    assert elapsed_and_left(10, 1000, 600.0) == "600.0s, ~16h30m left"
    # The last step (and a resumed run's final line) says only what it took.
    assert elapsed_and_left(100, 100, 30.0) == "30.0s"
    assert elapsed_and_left(0, 100, 0.0) == "0.0s"


def test_sft_and_grpo_lines_carry_progress_loss_speed_and_time_left(
    make_config: ConfigFactory,
) -> None:
    config = make_config("training.max_steps=40")
    line = sft._console(config)(
        10, {"loss": 1.23456, "learning_rate": 3e-4, "tokens_per_second": 1234.5, "elapsed_s": 5.0}
    )
    assert line == "step 10/40  loss 1.2346  lr 0.0003  1234 tok/s  5.0s, ~15s left"

    grpo = load_config(GRPO_CONFIG, ["training.max_steps=8"])
    values = {"loss": 0.5, "kl": 0.01, "tokens_per_second": 99.0, "elapsed_s": 12.0}
    rewards = {f"reward/{name}": 0.5 for name in grpo.rewards}
    values.update(rewards, **{"reward/total": 1.0, "groups/no_signal": 0.25})
    values["completion/mean_tokens"] = 40.0
    grpo_line = grpo_setup.console_line(grpo)(4, values)
    assert grpo_line.startswith("step 4/8  loss 0.5000  kl 0.0100  reward 1.000 (")
    assert grpo_line.endswith("no-signal 25%  len 40  99 tok/s  12.0s, ~12s left")
