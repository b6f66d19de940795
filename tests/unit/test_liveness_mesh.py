import numpy as np
import pytest

from python_backends.liveness.mesh import HORIZONTAL_PAIRS, LEFT_EYE, NUM_POINTS, RIGHT_EYE, VERTICAL_PAIRS, parse_landmarks


def test_parse_keeps_point_order():
    flat = np.arange(NUM_POINTS * 3, dtype=np.float32)
    points = parse_landmarks(flat)
    assert points.shape == (NUM_POINTS, 3)
    np.testing.assert_array_equal(points[1], [3, 4, 5])


def test_rejects_wrong_size():
    with pytest.raises(ValueError):
        parse_landmarks(np.zeros(478 * 3))


def test_indices_are_valid_and_distinct():
    for group in (LEFT_EYE, RIGHT_EYE, *HORIZONTAL_PAIRS, *VERTICAL_PAIRS):
        assert len(set(group)) == len(group) and all(0 <= i < NUM_POINTS for i in group)
    assert not set(LEFT_EYE) & set(RIGHT_EYE)
