import numpy as np
import pytest

from python_backends.liveness.head_pose import head_pose
from python_backends.liveness.mesh import HORIZONTAL_PAIRS, NUM_POINTS, VERTICAL_PAIRS


def _flat_face() -> np.ndarray:
    """A frontal face in a plane: pairs mirrored about x = 0, y down, z = 0."""
    points = np.zeros((NUM_POINTS, 3))
    for k, (right, left) in enumerate(HORIZONTAL_PAIRS):
        points[right] = [-(30 + 5 * k), 10 * k - 20, 0]
        points[left] = [30 + 5 * k, 10 * k - 20, 0]
    for k, (upper, lower) in enumerate(VERTICAL_PAIRS):
        points[upper] = [0, -60 + 5 * k, 0]
        points[lower] = [0, 60 - 5 * k, 0]
    return points


def _rotate(points: np.ndarray, yaw: float = 0.0, pitch: float = 0.0, roll: float = 0.0) -> np.ndarray:
    """Subject turns to their own left by `yaw`: their left side (image right, +x) moves away (+z)."""
    y, p, r = np.radians([yaw, pitch, roll])
    about_vertical = np.array([[np.cos(y), 0, -np.sin(y)], [0, 1, 0], [np.sin(y), 0, np.cos(y)]])
    # looking up: the chin (+y) comes nearer the camera (-z)
    about_horizontal = np.array([[1, 0, 0], [0, np.cos(p), np.sin(p)], [0, -np.sin(p), np.cos(p)]])
    in_plane = np.array([[np.cos(r), -np.sin(r), 0], [np.sin(r), np.cos(r), 0], [0, 0, 1]])
    return points @ (in_plane @ about_vertical @ about_horizontal).T


@pytest.mark.parametrize("yaw", [-45.0, -12.0, 0.0, 20.0, 60.0])
def test_recovers_yaw_with_sign_and_ignores_roll(yaw):
    for roll in (0.0, 25.0, -90.0):
        pose = head_pose(_rotate(_flat_face(), yaw=yaw, roll=roll) * 3 + [200, 100, 7])
        assert pose.yaw == pytest.approx(yaw, abs=1e-6)
        assert pose.pitch == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("pitch", [-30.0, 15.0])
def test_recovers_pitch_sign(pitch):
    pose = head_pose(_rotate(_flat_face(), pitch=pitch))
    assert pose.pitch == pytest.approx(pitch, abs=1e-6) and pose.yaw == pytest.approx(0.0, abs=1e-6)
