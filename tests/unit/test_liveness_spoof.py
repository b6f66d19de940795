import numpy as np
import pytest

from python_backends.liveness.spoof import normalised_spoof_score


def test_model_threshold_maps_to_half_and_range_is_clipped():
    raw = np.array([-0.1, 0.0, 0.1, 0.2, 0.6, 1.0, 3.0])
    np.testing.assert_allclose(normalised_spoof_score(raw, 0.2), [0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0])


def test_order_is_kept():
    raw = np.linspace(0, 1, 50)
    assert np.all(np.diff(normalised_spoof_score(raw, 0.3)) > 0)


@pytest.mark.parametrize("threshold", [0.0, 1.0])
def test_rejects_threshold_outside_unit_interval(threshold):
    with pytest.raises(ValueError):
        normalised_spoof_score(np.zeros(1), threshold)
