"""Alignment of a face to the ArcFace / MobileFaceNet 112x112 template from its 5 landmarks."""

from __future__ import annotations

import numpy as np

from python_backends.alignment.affine import Affine
from python_backends.alignment.similarity import estimate_similarity

# Reference points of the 112x112 crop in the detector's landmark order:
# eye on the image's left, eye on the image's right, nose tip, mouth corner left, mouth corner right.
ARCFACE_112 = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]]
)


def arcface_transform(landmarks: np.ndarray, size: int = 112) -> Affine:
    """Image -> crop transform putting 5 landmarks [5, 2] (image px) onto the template scaled to `size`."""
    landmarks = np.asarray(landmarks, dtype=np.float64)
    if landmarks.shape != (5, 2):
        raise ValueError(f"expected 5 landmarks [5, 2], got {landmarks.shape}")
    return estimate_similarity(landmarks, ARCFACE_112 * (size / 112.0))
