"""What each model expects and returns: the numbers behind docs/model-contracts.md."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np

from python_backends.imaging.input_spec import (ANTISPOOF_INPUT, DETECTOR_INPUT, EMBEDDER_INPUT, LANDMARKER_INPUT,
                                               ModelInputSpec, model_pixels)


@dataclass(frozen=True)
class Preprocessing:
    """How a crop becomes the model input: uint8 pixels NCHW, channels in `channel_order`; the built model
    normalises them itself, `(pixel - mean[c]) / std[c]` (graph_edit.take_pixels), which the source
    models leave to their caller."""

    size: tuple[int, int] | None  # (height, width); None = any size
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    channel_order: Literal["RGB", "BGR"]
    crop: str
    normalised_in_model: bool = True  # in the manifest: models built before (float input) are rebuilt

    def to_pixels(self, rgb_crops: np.ndarray) -> np.ndarray:
        """uint8 RGB `[N,H,W,3]` already at `size` -> uint8 NCHW: the built model's input."""
        return model_pixels(rgb_crops, self.channel_order)

    def to_input(self, rgb_crops: np.ndarray) -> np.ndarray:
        """uint8 RGB `[N,H,W,3]` already at `size` -> the float32 NCHW input of the source model (and of
        the converted one, before take_pixels)."""
        pixels = self.to_pixels(rgb_crops).astype(np.float32)
        channel = (1, 3, 1, 1)
        return (pixels - np.float32(self.mean).reshape(channel)) / np.float32(self.std).reshape(channel)

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
