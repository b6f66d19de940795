"""The sharpness measure on the models' normalised inputs that liveness_preprocess used before it kept the
anti-spoofing crop as uint8: the reference `crop_sharpness` must match (its scale is the calibrated one)."""

from __future__ import annotations

import numpy as np

from python_backends.imaging.input_spec import ModelInputSpec
from python_backends.liveness.sharpness import GREY_WEIGHTS, laplacian_variance


def face_sharpness(crops: np.ndarray, spec: ModelInputSpec) -> np.ndarray:
    """Normalised model inputs [N, 3, S, S] (as `spec` made them) -> SHARPNESS [N, 1] float32."""
    crops = np.asarray(crops, dtype=np.float32)
    pixels = crops * np.asarray(spec.std, np.float32)[:, None, None] + np.asarray(spec.mean, np.float32)[:, None, None]
    grey = np.tensordot(pixels, np.asarray(GREY_WEIGHTS[spec.channel_order], np.float32), axes=([1], [0]))
    return laplacian_variance(grey)[:, None].astype(np.float32)
