"""Face sharpness: variance of the Laplacian of the grey anti-spoofing face crop.

The crop has a fixed size (256 px by default) whatever the face's size in the image, so the
figure compares faces of different resolutions on one scale; an upscaled small face (an ID chip
photo) scores lower than a large one, a motion-blurred or defocused face far lower.
Unit: grey levels squared (0..255 grey from the crop's un-normalised RGB).
"""

from __future__ import annotations

import numpy as np

GREY_WEIGHTS = {"RGB": (0.299, 0.587, 0.114), "BGR": (0.114, 0.587, 0.299)}


def laplacian_variance(grey: np.ndarray) -> np.ndarray:
    """Grey images [N, H, W] (0..255) -> the variance of each one's 4-neighbour Laplacian [N]."""
    laplacian = (grey[:, :-2, 1:-1] + grey[:, 2:, 1:-1] + grey[:, 1:-1, :-2] + grey[:, 1:-1, 2:]
                 - 4.0 * grey[:, 1:-1, 1:-1])
    return laplacian.reshape(len(grey), -1).var(axis=1)


def crop_sharpness(crops: np.ndarray) -> np.ndarray:
    """RGB uint8 crops [N, S, S, 3] -> the variance of each one's grey Laplacian [N] (float32 grey, summed
    channel by channel: a 3-weight BLAS product cost twice the CPU, its threads spinning)."""
    red, green, blue = (np.float32(weight) for weight in GREY_WEIGHTS["RGB"])
    return laplacian_variance(crops[..., 0] * red + crops[..., 1] * green + crops[..., 2] * blue)
