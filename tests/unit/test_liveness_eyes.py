import numpy as np
import pytest

from python_backends.liveness.eyes import eye_aspect_ratio, eye_opening
from python_backends.liveness.mesh import LEFT_EYE, NUM_POINTS, RIGHT_EYE


def _eye(points: np.ndarray, contour, centre_x: float, width: float, height: float) -> None:
    """p1, p4 at the corners; upper lid p2, p3 and lower lid p6, p5 `height` apart."""
    p1, p2, p3, p4, p5, p6 = contour
    half = width / 2
    points[p1, :2] = [centre_x - half, 0]
    points[p4, :2] = [centre_x + half, 0]
    points[p2, :2] = [centre_x - half / 3, -height / 2]
    points[p6, :2] = [centre_x - half / 3, height / 2]
    points[p3, :2] = [centre_x + half / 3, -height / 2]
    points[p5, :2] = [centre_x + half / 3, height / 2]


def test_aspect_ratio_is_lid_gap_over_width_per_eye():
    points = np.zeros((NUM_POINTS, 3))
    _eye(points, LEFT_EYE, 60.0, 30.0, 9.0)
    _eye(points, RIGHT_EYE, 0.0, 30.0, 1.5)
    left, right = eye_opening(points)
    assert left == pytest.approx(0.3) and right == pytest.approx(0.05)


def test_depth_and_scale_do_not_matter():
    points = np.zeros((NUM_POINTS, 3))
    _eye(points, LEFT_EYE, 60.0, 30.0, 9.0)
    points[:, 2] = np.random.default_rng(0).normal(size=NUM_POINTS) * 20
    assert eye_aspect_ratio(points * [4, 4, 1], LEFT_EYE) == pytest.approx(0.3)


def test_collapsed_eye_is_nan():
    assert np.isnan(eye_aspect_ratio(np.zeros((NUM_POINTS, 3)), LEFT_EYE))
