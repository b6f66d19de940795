import numpy as np
import pytest

from facegate.calibration.scoring import bounded_threshold_for_fmr, equal_error_rate, fnmr_at_fmr, operating_point, \
    threshold_for_fmr, upper_bound_95


def test_below_one_allowed_false_match_the_threshold_clears_every_impostor():
    point = operating_point([0.9, 0.8, 0.6, 0.55, 0.505], [0.1, -0.2, 0.501], target_fmr=1e-3)
    assert point.threshold == pytest.approx(0.51)
    assert (point.false_matches, point.false_non_matches) == (0, 1)
    assert point.fnmr == pytest.approx(0.2) and point.fmr == 0.0
    assert (point.genuine_pairs, point.impostor_pairs) == (5, 3)


def test_an_exact_hundredth_is_a_false_match_so_the_next_step_is_taken():
    assert threshold_for_fmr(np.array([0.45]), 1e-3) == pytest.approx(0.46)


def test_target_fmr_allows_its_share_of_impostors():
    impostor = np.arange(1000) / 1000  # 0.000 .. 0.999
    assert threshold_for_fmr(impostor, 1e-2) == pytest.approx(0.99)  # 0.990-0.999: 10 = 1 %
    threshold, fnmr, misses, false_matches = fnmr_at_fmr(np.array([0.95, 0.995, 1.0]), impostor, 1e-2)
    assert (threshold, misses, false_matches) == (pytest.approx(0.99), 1, 10) and fnmr == pytest.approx(1 / 3)


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


def test_default_threshold_keeps_the_upper_bound_within_the_target():
    impostor = np.concatenate([np.zeros(9970), np.full(30, 0.505)])  # 0.3 % at 0.505
    assert threshold_for_fmr(impostor, 4e-3) == pytest.approx(0.0 + 0.01)  # point rule: 30 of 10000 allowed
    assert bounded_threshold_for_fmr(impostor, 4e-3) == pytest.approx(0.51)  # bound of 30/10000 is ~0.0041
    assert upper_bound_95(30, 10000) > 4e-3


def test_too_few_impostors_for_the_bound_clear_every_impostor():
    assert bounded_threshold_for_fmr(np.array([0.1, 0.2, 0.45]), 1e-3) == pytest.approx(0.46)
