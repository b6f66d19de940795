"""What each model expects and returns: the numbers behind docs/model-contracts.md."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np

from python_backends.imaging.input_spec import (ANTISPOOF_INPUT, DETECTOR_INPUT, EMBEDDER_INPUT, LANDMARKER_INPUT,
                                               ModelInputSpec)


@dataclass(frozen=True)
class Preprocessing:
    """How a crop becomes the model input: `(pixel - mean[c]) / std[c]`, channels in `channel_order`."""

    size: tuple[int, int] | None  # (height, width); None = any size
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    channel_order: Literal["RGB", "BGR"]
    crop: str

    def to_input(self, rgb_crops: np.ndarray) -> np.ndarray:
        """uint8 RGB `[N,H,W,3]` already at `size` -> float32 NCHW model input."""
        pixels = rgb_crops.astype(np.float32)
        if self.channel_order == "BGR":
            pixels = pixels[..., ::-1]
        pixels = (pixels - np.float32(self.mean)) / np.float32(self.std)
        return np.ascontiguousarray(pixels.transpose(0, 3, 1, 2))

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Contract:
    name: str
    outputs: tuple[str, ...]
    preprocessing: Preprocessing


def _served(spec: ModelInputSpec, crop: str, any_size: bool = False) -> Preprocessing:
    """The served pre-processing's numbers (python_backends/imaging/input_spec.py: their one definition)."""
    size = None if any_size else (spec.input_size, spec.input_size)
    return Preprocessing(size, spec.mean, spec.std, spec.channel_order, crop)  # type: ignore[arg-type]


_SQUARE_BOX = "face box made square around its centre (side = longer side), clipped to the image, no rotation"
CONTRACTS: dict[str, Contract] = {
    "face_detector": Contract("face_detector", ("loc", "conf", "landms"), _served(
        DETECTOR_INPUT, "whole image, aspect kept, padded bottom/right", any_size=True)),
    "face_landmarker": Contract("face_landmarker", ("landmarks", "face_score"), _served(
        LANDMARKER_INPUT, "square crop centred on the face, rotated so the eye line is horizontal (MediaPipe ROI)")),
    "face_embedder": Contract("face_embedder", ("embedding",), _served(
        EMBEDDER_INPUT, "5-point similarity alignment onto the ArcFace 112x112 template")),
    "face_antispoof": Contract("face_antispoof", ("spoof_score",), _served(ANTISPOOF_INPUT, _SQUARE_BOX)),
}
