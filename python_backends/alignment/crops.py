"""Square, optionally rotated face crops for the landmark and anti-spoofing models."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from python_backends.alignment.affine import Affine

# The MediaPipe landmarker is trained on a square 1.5x its detector's box, rotated so the eyes are
# level. RetinaFace boxes are larger than that detector's (they include the forehead), hence a
# smaller factor here: on 23 real photos and video frames the 468-landmark extent was 0.81-0.93x
# (mean 0.86) the box's longer side, so 1.3x the box is ~1.5x the landmark extent.
LANDMARKER_BOX_SCALE = 1.3
# FaceAntiSpoofing was fed the square around the detector's box (longer side), unrotated.
ANTISPOOF_BOX_SCALE = 1.0


@dataclass(frozen=True)
class SquareCrop:
    """A square region of an image: centre (x, y) px, side px, and the angle (radians) of its x axis."""

    center: tuple[float, float]
    side: float
    angle: float = 0.0

    def __post_init__(self) -> None:
        if not (self.side > 0 and math.isfinite(self.side)):
            raise ValueError(f"crop side must be positive, got {self.side}")

    def transform(self, size: int) -> Affine:
        """Image -> crop pixels for a `size` x `size` output; the crop's x axis runs along `angle`."""
        scale = size / self.side
        to_crop = Affine.similarity(scale, -self.angle, (0.0, 0.0))
        shift = size / 2.0 - to_crop.apply(np.asarray(self.center))
        return Affine.similarity(scale, -self.angle, (float(shift[0]), float(shift[1])))


def _box_square(box: np.ndarray, scale: float) -> tuple[tuple[float, float], float]:
    box = np.asarray(box, dtype=np.float64)
    if box.shape != (4,) or not np.all(np.isfinite(box)) or box[2] <= box[0] or box[3] <= box[1]:
        raise ValueError(f"box must be finite (x1, y1, x2, y2) with x2 > x1 and y2 > y1, got {box}")
    center = ((box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0)
    return center, float(max(box[2] - box[0], box[3] - box[1]) * scale)


def eye_line_angle(landmarks: np.ndarray) -> float:
    """Angle (radians) of the line from the image-left eye to the image-right eye (5-point order)."""
    landmarks = np.asarray(landmarks, dtype=np.float64)
    if landmarks.shape != (5, 2) or not np.all(np.isfinite(landmarks)):
        raise ValueError(f"expected 5 finite landmarks [5, 2], got {landmarks.shape}")
    dx, dy = landmarks[1] - landmarks[0]
    return math.atan2(dy, dx)


def landmarker_crop(box: np.ndarray, landmarks: np.ndarray, scale: float = LANDMARKER_BOX_SCALE) -> SquareCrop:
    """Square around the detector box, enlarged by `scale`, rotated so the eyes are level."""
    center, side = _box_square(box, scale)
    return SquareCrop(center, side, eye_line_angle(landmarks))


def antispoof_crop(box: np.ndarray, scale: float = ANTISPOOF_BOX_SCALE) -> SquareCrop:
    """Upright square around the detector box (its longer side times `scale`)."""
    center, side = _box_square(box, scale)
    return SquareCrop(center, side)
