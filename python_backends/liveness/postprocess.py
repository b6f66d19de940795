"""Per-face liveness signals from the landmarker and anti-spoofing outputs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from python_backends.config_parameters import read_strictly
from python_backends.liveness.crop_meta import CROP_META_SIZE, CropMeta
from python_backends.liveness.eyes import eye_opening
from python_backends.liveness.head_pose import head_pose
from python_backends.liveness.mesh import NUM_POINTS, parse_landmarks
from python_backends.liveness.spoof import MODEL_THRESHOLD, normalised_spoof_score


@dataclass(frozen=True)
class LivenessSignals:
    """Batched outputs: EYE_OPENING [N, 2] (subject's left, right), YAW / PITCH [N, 1] degrees
    (+ = subject's left / looking up), SPOOF_SCORE [N, 1] (0 live .. 1 spoof), FACE_SCORE [N, 1]."""

    eye_opening: np.ndarray
    yaw: np.ndarray
    pitch: np.ndarray
    spoof_score: np.ndarray
    face_score: np.ndarray

    def as_outputs(self) -> dict[str, np.ndarray]:
        return {"EYE_OPENING": self.eye_opening, "YAW": self.yaw, "PITCH": self.pitch,
                "SPOOF_SCORE": self.spoof_score, "FACE_SCORE": self.face_score}


def liveness_signals(landmarks: np.ndarray, face_score: np.ndarray, raw_spoof: np.ndarray | None,
                     crop_meta: np.ndarray, spoof_threshold: float) -> LivenessSignals:
    """Inputs batched over N faces: landmarks [N, 1404], face_score [N, 1], raw_spoof [N, 1], CROP_META [N, 6].

    Without `raw_spoof` (the face_signals ensemble skips the anti-spoofing network) SPOOF_SCORE is NaN.
    """
    landmarks = np.asarray(landmarks, dtype=np.float64).reshape(len(landmarks), -1)
    n = len(landmarks)
    if raw_spoof is None:
        raw_spoof = np.full((n, 1), np.nan)
    expected = {"landmarks": (landmarks, NUM_POINTS * 3), "face_score": (face_score, 1),
                "spoof_score": (raw_spoof, 1), "CROP_META": (crop_meta, CROP_META_SIZE)}
    for name, (array, width) in expected.items():
        if np.shape(array) != (n, width):
            raise ValueError(f"{name} must be [{n}, {width}], got {list(np.shape(array))}")
    eyes, yaw, pitch = np.zeros((n, 2)), np.zeros((n, 1)), np.zeros((n, 1))
    for i in range(n):
        points = CropMeta.from_array(crop_meta[i]).points_to_image(parse_landmarks(landmarks[i]))
        eyes[i] = eye_opening(points)
        pose = head_pose(points)
        yaw[i, 0], pitch[i, 0] = pose.yaw, pose.pitch
    f32 = np.float32
    return LivenessSignals(eyes.astype(f32), yaw.astype(f32), pitch.astype(f32),
                           normalised_spoof_score(raw_spoof, spoof_threshold).astype(f32),
                           np.asarray(face_score, dtype=f32))


def spoof_model_threshold(config: Mapping[str, Any]) -> float:
    """liveness_postprocess's one config parameter: the raw anti-spoofing score below which the model calls a
    face live (`spoof_model_threshold`); any other key fails the load."""
    return read_strictly(config, lambda params: float(params.get("spoof_model_threshold", MODEL_THRESHOLD)))
