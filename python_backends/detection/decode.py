"""Vectorised decoding of RetinaFace regressions against prior boxes (input pixels)."""

from __future__ import annotations

import numpy as np


def decode_boxes(loc: np.ndarray, priors: np.ndarray, variances: tuple[float, float]) -> np.ndarray:
    """(..., 4) offsets (dx, dy, dw, dh) -> (..., 4) boxes (x1, y1, x2, y2)."""
    centre = priors[..., :2] + loc[..., :2] * variances[0] * priors[..., 2:]
    half = priors[..., 2:] * np.exp(loc[..., 2:] * variances[1]) / 2
    return np.concatenate([centre - half, centre + half], axis=-1)


def decode_landmarks(landms: np.ndarray, priors: np.ndarray, variances: tuple[float, float]) -> np.ndarray:
    """(..., 10) offsets -> (..., 5, 2) points (x, y)."""
    offsets = landms.reshape(*landms.shape[:-1], 5, 2)
    return priors[..., None, :2] + offsets * variances[0] * priors[..., None, 2:]
