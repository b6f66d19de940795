import numpy as np
import pytest

from facegate.calibration.scoring import equal_error_rate, operating_point, upper_bound_95


def test_threshold_clears_every_impostor_by_the_margin():
    point = operating_point([0.9, 0.8, 0.6, 0.55], [0.1, -0.2, 0.501], margin=0.05)
    assert point.threshold == pytest.approx(0.56)
    assert (point.false_matches, point.false_non_matches) == (0, 1)
    assert point.fnmr == pytest.approx(0.25) and point.fmr == 0.0
    assert (point.genuine_pairs, point.impostor_pairs) == (4, 3)


def test_an_exact_hundredth_is_not_rounded_up_further():
    assert operating_point([0.9], [0.45], margin=0.05).threshold == pytest.approx(0.50)


def test_no_errors_bound_is_the_rule_of_three():
    assert upper_bound_95(0, 1000) == pytest.approx(3 / 1000, rel=0.01)
    assert upper_bound_95(0, 10) > upper_bound_95(0, 100)


def test_bound_with_errors_exceeds_the_observed_rate():
    assert 7 / 260 < upper_bound_95(7, 260) < 0.06
    assert upper_bound_95(10, 10) == pytest.approx(1.0)


def test_equal_error_rate():
    assert equal_error_rate(np.array([0.8, 0.9]), np.array([0.1, 0.2]))[0] == 0.0
    rate, threshold = equal_error_rate(np.array([0.3, 0.8, 0.9, 0.95]), np.array([0.1, 0.2, 0.5, 0.85]))
    assert rate == pytest.approx(0.25) and 0.3 < threshold <= 0.85


def test_needs_both_kinds_of_scores():
    with pytest.raises(ValueError):
        operating_point([0.9], [])
