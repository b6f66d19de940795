"""Head yaw and pitch in degrees from the 3-D face mesh.

The face's horizontal axis is the mean direction of symmetric point pairs (subject's right ->
left) and its vertical axis that of forehead -> chin pairs; yaw and pitch are how far these tilt
out of the image plane. Averaging several pairs keeps one misplaced point from swinging the angle,
and measuring against the in-plane length makes the result independent of head roll.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from python_backends.liveness.mesh import HORIZONTAL_PAIRS, VERTICAL_PAIRS


@dataclass(frozen=True)
class HeadPose:
    """Degrees. yaw > 0: the subject turned to their own left; pitch > 0: the subject looks up."""

    yaw: float
    pitch: float


def _mean_direction(points: np.ndarray, pairs: tuple[tuple[int, int], ...]) -> np.ndarray:
    vectors = np.array([points[b] - points[a] for a, b in pairs])
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-9)).mean(axis=0)


def head_pose(points: np.ndarray) -> HeadPose:
    """Pose from mesh points [468, 3] with x right, y down, z away from the camera, all in one scale."""
    points = np.asarray(points, dtype=np.float64)
    across = _mean_direction(points, HORIZONTAL_PAIRS)  # subject's right -> left, image-right when frontal
    down = _mean_direction(points, VERTICAL_PAIRS)  # forehead -> chin
    # Turning to their own left sends the subject's left side (image right) away from the camera.
    yaw = np.degrees(np.arctan2(across[2], np.hypot(across[0], across[1])))
    # Looking up brings the chin nearer the camera than the forehead.
    pitch = np.degrees(np.arctan2(-down[2], np.hypot(down[0], down[1])))
    return HeadPose(float(yaw), float(pitch))
