"""The ensembles verify calls, as typed async functions (Triton's implementation: triton_ensembles)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from python_backends.decision import Box
from python_backends.errors import BackendError, is_bad_image

DETECT, FACE_SIGNALS, LIVENESS, EMBED = "detect", "face_signals", "liveness", "embed"
CROP_SIGNALS = "crop_signals"
# The ensembles' (and their pre/post-processing models') max_batch_size in config.pbtxt: the most images
# one ensemble request may carry (tests/unit/test_model_configs.py checks the configs against it).
ENSEMBLE_MAX_BATCH = 64


NOT_READY_RETRY_DELAYS_S = (0.1, 0.2, 0.4, 0.8)
"""Waits before calling an ensemble again that answered "not ready": Triton reloads the ensembles over a
reloaded model (a renewal, facegate/server/shm_recycler.py) and each is not ready for ~0.1-0.5 s
(measured); a model that stays down (a dead process being healed) fails the call 1.5 s later."""


def is_not_ready(message: str) -> bool:
    """Whether Triton refused an ensemble call because the model is (re)loading: nothing of it ran."""
    return message.endswith("is not ready.") and "Failed for execute the inference request" in message


class InferenceFailed(BackendError, RuntimeError):
    """An ensemble answered with an error. `bad_image`: it refused an image (undecodable data behind
    a valid header); the message comes from the server and names images by index only."""

    def __init__(self, model: str, message: str):
        super().__init__(f"{model}: {message}")
        self.model = model
        self.bad_image = is_bad_image(message)


@dataclass(frozen=True)
class Faces:
    """One image's detected faces: boxes [k, 4] (x1, y1, x2, y2 px), landmarks [k, 5, 2]."""

    boxes: np.ndarray
    landmarks: np.ndarray

    @property
    def count(self) -> int:
        return len(self.boxes)

    def sizes(self) -> np.ndarray:
        """Shorter box side of each face, px."""
        return np.minimum(self.boxes[:, 2] - self.boxes[:, 0], self.boxes[:, 3] - self.boxes[:, 1])

    def largest(self) -> int:
        return int(np.argmax(self.sizes()))

    def box(self, index: int) -> Box:
        return Box(*(float(v) for v in self.boxes[index]))


@dataclass(frozen=True)
class FaceSignals:
    """The face_signals ensemble's outputs for one face (the cheap ones: no anti-spoofing)."""

    eye_opening: tuple[float, float]
    yaw_deg: float
    pitch_deg: float
    sharpness: float


@dataclass(frozen=True)
class CropSignals:
    """The crop_signals ensemble's outputs for one landmarker crop the caller cut itself."""

    eye_opening: tuple[float, float]
    yaw_deg: float
    pitch_deg: float


class SignalEnsembles(Protocol):
    """The cheap calls: all that a VIDEO's screening of every frame needs (python_backends/video)."""

    async def detect(self, images: Sequence[bytes]) -> list[Faces]:
        """Faces per image; raises InferenceFailed."""

    async def crop_signals(self, crops: np.ndarray, crop_meta: np.ndarray) -> list[CropSignals]:
        """Eyes and pose from landmarker inputs [n, 3, S, S] and their CROP_META [n, 6]; raises InferenceFailed."""


class Ensembles(SignalEnsembles, Protocol):
    async def signals(self, images: Sequence[bytes], boxes: np.ndarray, landmarks: np.ndarray) -> list[FaceSignals]:
        """Cheap signals of one face per image (boxes [n, 4], landmarks [n, 5, 2]); raises InferenceFailed."""

    async def spoof(self, images: Sequence[bytes], boxes: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
        """Anti-spoofing scores [n] (0 live .. 1 spoof) of one face per image; raises InferenceFailed."""

    async def embed(self, images: Sequence[bytes], landmarks: np.ndarray) -> np.ndarray:
        """L2-normalised embeddings [n, D] of one face per image; raises InferenceFailed."""
