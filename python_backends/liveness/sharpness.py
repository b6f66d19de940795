"""Face sharpness: variance of the Laplacian of the grey anti-spoofing face crop.

The crop has a fixed size (256 px by default) whatever the face's size in the image, so the
figure compares faces of different resolutions on one scale; an upscaled small face (an ID chip
photo) scores lower than a large one, a motion-blurred or defocused face far lower.
Unit: grey levels squared (0..255 grey from the crop's un-normalised RGB).
"""

from __future__ import annotations

import numpy as np

from python_backends.imaging.input_spec import ModelInputSpec

_GREY = {"RGB": (0.299, 0.587, 0.114), "BGR": (0.114, 0.587, 0.299)}


def face_sharpness(crops: np.ndarray, spec: ModelInputSpec) -> np.ndarray:
    """Normalised model inputs [N, 3, S, S] (as `spec` made them) -> SHARPNESS [N, 1] float32."""
    crops = np.asarray(crops, dtype=np.float32)
    pixels = crops * np.asarray(spec.std, np.float32)[:, None, None] + np.asarray(spec.mean, np.float32)[:, None, None]
    grey = np.tensordot(pixels, np.asarray(_GREY[spec.channel_order], np.float32), axes=([1], [0]))
    laplacian = (grey[:, :-2, 1:-1] + grey[:, 2:, 1:-1] + grey[:, 1:-1, :-2] + grey[:, 1:-1, 2:]
                 - 4.0 * grey[:, 1:-1, 1:-1])
    return laplacian.reshape(len(crops), -1).var(axis=1, keepdims=True).astype(np.float32)
