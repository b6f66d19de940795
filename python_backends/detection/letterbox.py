"""Where an image sits inside the square detector input, and mapping points back.

The image is scaled with its aspect ratio kept into the top-left corner of an
S x S input; the rest is padding. Scales are per axis (scaled size / image
size) because the resizer rounds the scaled size to whole pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

META_SIZE = 5  # DET_META: image_h, image_w, scaled_h, scaled_w, input_size


@dataclass(frozen=True)
class Letterbox:
    image_h: int
    image_w: int
    scaled_h: int
    scaled_w: int
    input_size: int

    @property
    def scale_xy(self) -> np.ndarray:
        """Input pixels per image pixel, (x, y)."""
        return np.array([self.scaled_w / self.image_w, self.scaled_h / self.image_h], dtype=np.float32)

    def to_input(self, xy: np.ndarray) -> np.ndarray:
        """Image (x, y) coordinates (last axis) -> detector input coordinates."""
        return xy * self.scale_xy

    def to_image(self, xy: np.ndarray) -> np.ndarray:
        """Detector input (x, y) coordinates (last axis) -> image coordinates."""
        return xy / self.scale_xy

    def to_meta(self) -> np.ndarray:
        return np.array([self.image_h, self.image_w, self.scaled_h, self.scaled_w, self.input_size], dtype=np.float32)

    @classmethod
    def from_meta(cls, meta: np.ndarray) -> Letterbox:
        if meta.shape != (META_SIZE,):
            raise ValueError(f"DET_META must have {META_SIZE} values, got shape {meta.shape}")
        image_h, image_w, scaled_h, scaled_w, input_size = (int(round(float(v))) for v in meta)
        if min(image_h, image_w, scaled_h, scaled_w) < 1 or max(scaled_h, scaled_w) > input_size:
            raise ValueError(f"inconsistent DET_META {meta.tolist()}")
        return cls(image_h, image_w, scaled_h, scaled_w, input_size)
