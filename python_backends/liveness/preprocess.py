"""Liveness inputs from one decode (imaging/crops.py): the rotated landmarker crop, the
anti-spoofing crop (uint8 RGB) and CROP_META, per (image, face box, 5 landmarks); where the crops lie:
liveness/placement.py.

The anti-spoofing crop stays HWC: `face_signals` needs only its sharpness; it is laid out as the network's
input (CHW) for the requests that ask for SPOOF_INPUT (`antispoof_input`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from python_backends.config_parameters import read_strictly
from python_backends.imaging import DecodeSettings
from python_backends.imaging.crops import CropPipeline
from python_backends.imaging.input_spec import model_pixels
from python_backends.liveness.placement import FacePlacement, LivenessCrops

_LANDMARKER_MATRIX = "landmarker_crop_to_image"
_ANTISPOOF_MATRIX = "antispoof_crop_to_image"


class LivenessPreprocessor:
    """(encoded image, FacePlacement) samples -> LMK_INPUT, anti-spoofing crops, CROP_META batches."""

    def __init__(self, crops: LivenessCrops, settings: DecodeSettings):
        self.crops = crops
        self._pipeline = CropPipeline({_LANDMARKER_MATRIX: crops.landmarker.input_size,
                                       _ANTISPOOF_MATRIX: crops.antispoof.input_size}, settings)

    def run(self, samples: Sequence[tuple[bytes, FacePlacement]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(landmarker input [n, 3, S, S] uint8, anti-spoofing crops [n, S, S, 3] uint8 RGB, CROP_META [n, 6]).
        Raises `InvalidImagesError` naming unusable images."""
        blobs = [blob for blob, _ in samples]
        placements = [placement for _, placement in samples]
        landmarker_crops, antispoof_crops = self._pipeline.run(
            blobs, **{_LANDMARKER_MATRIX: [p.landmarker_matrix for p in placements],
                      _ANTISPOOF_MATRIX: [p.antispoof_matrix for p in placements]})
        return (model_pixels(landmarker_crops, self.crops.landmarker.channel_order), antispoof_crops,
                np.stack([p.crop_meta for p in placements]))

    def antispoof_input(self, antispoof_crops: np.ndarray) -> np.ndarray:
        """The anti-spoofing network's input (SPOOF_INPUT [n, 3, S, S] uint8) from `run`'s crops."""
        return model_pixels(antispoof_crops, self.crops.antispoof.channel_order)


def preprocess_settings(args: Mapping[str, Any]) -> tuple[LivenessCrops, DecodeSettings]:
    """liveness_preprocess's config parameters (from its `initialize` args): both crops (`landmarker_*`,
    `antispoof_*`) and the decode settings; any other key fails the load."""
    return read_strictly(json.loads(args["model_config"]), lambda params: (
        LivenessCrops.from_parameters(params), DecodeSettings.from_triton(args, params)))
