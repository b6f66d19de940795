"""CROP_META: how the landmarker crop sits in the image, to map its landmarks back."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from python_backends.alignment.affine import Affine

CROP_META_SIZE = 6


@dataclass(frozen=True)
class CropMeta:
    """The landmarker crop's crop -> image transform (a similarity: rotation, scale, shift)."""

    crop_to_image: Affine

    def to_array(self) -> np.ndarray:
        return self.crop_to_image.matrix.astype(np.float32).reshape(CROP_META_SIZE)

    @staticmethod
    def from_array(row: np.ndarray) -> CropMeta:
        row = np.asarray(row, dtype=np.float64).reshape(-1)
        if row.size != CROP_META_SIZE:
            raise ValueError(f"CROP_META must hold {CROP_META_SIZE} values, got {row.size}")
        return CropMeta(Affine(row.reshape(2, 3)))

    def points_to_image(self, points: np.ndarray) -> np.ndarray:
        """Crop-pixel (x, y, z) [K, 3] -> image pixels; depth scales with the crop like x and y."""
        points = np.asarray(points, dtype=np.float64)
        xy = self.crop_to_image.apply(points[:, :2])
        return np.column_stack([xy, points[:, 2] * self.crop_to_image.scale])
