"""Typed results returned by the client."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Face:
    """One detected face, in the pixel coordinates of the image sent."""

    box: tuple[float, float, float, float]  # x1, y1, x2, y2
    score: float
    landmarks: np.ndarray  # (5, 2): right eye, left eye, nose, right mouth, left mouth (image-left first)

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]


@dataclass(frozen=True)
class LivenessSignals:
    """Per-frame signals measured on one face."""

    eye_opening: tuple[float, float]  # eye aspect ratio, (left, right)
    yaw: float  # degrees, positive = the subject turned to their own left
    pitch: float
    spoof_score: float  # 0 live .. 1 spoof
    face_score: float
    sharpness: float  # variance of the Laplacian of the grey 256x256 face crop (the quality gates' measure)
