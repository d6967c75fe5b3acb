"""The shared before/after statistics."""

import pytest

from tunix_rt_backend.contracts.stats import mean_interval, paired_mean_delta


def test_paired_delta_and_interval() -> None:
    before = [0.0] * 10 + [1.0] * 2
    after = [1.0] * 9 + [0.0] + [1.0] * 2
    result = paired_mean_delta(before, after)
    assert result.n == 12
    assert result.before_mean == pytest.approx(2 / 12)
    assert result.after_mean == pytest.approx(11 / 12)
    assert result.delta == pytest.approx(9 / 12)
    assert result.ci_low is not None
    assert result.ci_high is not None
    assert result.delta is not None
    assert result.ci_low < result.delta < result.ci_high
    assert result.ci_low > 0.4
    assert result.ci_high <= 1.0
    assert paired_mean_delta(before, after) == result


def test_no_change_has_a_zero_width_interval() -> None:
    result = paired_mean_delta([1.0, 0.0, 1.0], [1.0, 0.0, 1.0])
    assert result.delta == 0.0
    assert result.ci_low == result.ci_high == 0.0


def test_empty_and_mismatched() -> None:
    assert paired_mean_delta([], []).delta is None
    with pytest.raises(ValueError, match="length"):
        paired_mean_delta([1.0], [])
    assert mean_interval([]) == (None, None, None)
    mean, low, high = mean_interval([0.0, 1.0, 1.0, 1.0])
    assert mean == 0.75
    assert low is not None
    assert high is not None
    assert low <= mean <= high
