"""Square crops cut from decoded RGB images with per-image 2x3 crop -> image matrices (PIL's affine warp).

The host-side twin of DALI's `warp_affine` (same matrices, same pixel-centre convention, bilinear,
black outside; results within one grey level of DALI's): on the CPU, DALI 2.4's warp_affine costs
~2.5x the CPU for the same crop (docs/tuning.md "Two frames of three, and crops cut by PIL").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image


def warp_image(image: Image.Image, matrix: np.ndarray, size: int) -> np.ndarray:
    """One RGB uint8 crop [size, size, 3] of `image` by its crop -> image matrix."""
    return np.asarray(image.transform((size, size), Image.Transform.AFFINE,
                                      data=tuple(float(v) for v in np.ravel(matrix)),
                                      resample=Image.Resampling.BILINEAR))


def warp_on_host(images: Sequence[np.ndarray], matrices: Sequence[np.ndarray], size: int) -> np.ndarray:
    """RGB uint8 crops [n, size, size, 3]: each image warped by its crop -> image matrix."""
    return np.stack([warp_image(Image.fromarray(np.ascontiguousarray(image)), matrix, size)
                     for image, matrix in zip(images, matrices)])
