"""Eye opening as the eye aspect ratio (Soukupova & Cech 2016) of each 6-point eye contour."""

from __future__ import annotations

import numpy as np

from python_backends.liveness.mesh import LEFT_EYE, RIGHT_EYE


def eye_aspect_ratio(points: np.ndarray, contour: tuple[int, ...]) -> float:
    """(|p2-p6| + |p3-p5|) / (2 |p1-p4|) from the image-plane (x, y) of the contour points."""
    p1, p2, p3, p4, p5, p6 = (np.asarray(points, dtype=np.float64)[i, :2] for i in contour)
    width = np.linalg.norm(p1 - p4)
    if width <= 1e-9:
        return float("nan")
    return float((np.linalg.norm(p2 - p6) + np.linalg.norm(p3 - p5)) / (2.0 * width))


def eye_opening(points: np.ndarray) -> tuple[float, float]:
    """(subject's left, subject's right) eye aspect ratio: ~0.25-0.35 open, below ~0.1 closed."""
    return eye_aspect_ratio(points, LEFT_EYE), eye_aspect_ratio(points, RIGHT_EYE)
