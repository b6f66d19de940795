"""Liveness inputs from one decode (DALI): the rotated landmarker crop, the anti-spoofing crop
and CROP_META, per (image, face box, 5 landmarks)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from dataclasses import dataclass

import numpy as np
from nvidia.dali import types
from nvidia.dali.data_node import DataNode

from python_backends.config_parameters import read_strictly
from python_backends.alignment.crops import ANTISPOOF_BOX_SCALE, LANDMARKER_BOX_SCALE, antispoof_crop, landmarker_crop
from python_backends.imaging.input_spec import ANTISPOOF_INPUT, LANDMARKER_INPUT, ModelInputSpec
from python_backends.alignment.warped_input import warped_input
from python_backends.imaging import DecodeSettings, ImagePipeline
from python_backends.liveness.crop_meta import CropMeta

_LANDMARKER_MATRIX = "landmarker_crop_to_image"
_ANTISPOOF_MATRIX = "antispoof_crop_to_image"


@dataclass(frozen=True)
class LivenessCrops:
    """Both models' inputs and where the crops lie (config parameters prefixed `landmarker_` /
    `antispoof_`: `input_size`, `mean`, `std`, `channel_order`, `box_scale`)."""

    landmarker: ModelInputSpec = LANDMARKER_INPUT
    antispoof: ModelInputSpec = ANTISPOOF_INPUT
    landmarker_box_scale: float = LANDMARKER_BOX_SCALE
    antispoof_box_scale: float = ANTISPOOF_BOX_SCALE

    @classmethod
    def from_parameters(cls, params: Mapping[str, str]) -> LivenessCrops:
        return cls(LANDMARKER_INPUT.with_parameters(params, "landmarker_"),
                   ANTISPOOF_INPUT.with_parameters(params, "antispoof_"),
                   float(params.get("landmarker_box_scale", LANDMARKER_BOX_SCALE)),
                   float(params.get("antispoof_box_scale", ANTISPOOF_BOX_SCALE)))


@dataclass(frozen=True)
class FacePlacement:
    """Per face: the crop -> image matrices (float32 2x3) fed to the warps, and CROP_META."""

    landmarker_matrix: np.ndarray
    antispoof_matrix: np.ndarray
    crop_meta: np.ndarray


def face_placements(boxes: np.ndarray, landmarks: np.ndarray, crops: LivenessCrops) -> list[FacePlacement]:
    """Check a request's BOX [N, 4] and LANDMARKS [N, 5, 2] and place both crops for each face."""
    boxes = np.asarray(boxes, dtype=np.float64)
    landmarks = np.asarray(landmarks, dtype=np.float64)
    if boxes.ndim != 2 or boxes.shape[1] != 4 or landmarks.shape != (len(boxes), 5, 2):
        raise ValueError(f"need BOX [N, 4] and LANDMARKS [N, 5, 2], got {list(boxes.shape)} and {list(landmarks.shape)}")
    placements = []
    for box, points in zip(boxes, landmarks):
        to_landmarker = landmarker_crop(box, points, crops.landmarker_box_scale).transform(crops.landmarker.input_size)
        to_antispoof = antispoof_crop(box, crops.antispoof_box_scale).transform(crops.antispoof.input_size)
        landmarker_to_image = to_landmarker.inverse()
        placements.append(FacePlacement(landmarker_to_image.matrix.astype(np.float32),
                                        to_antispoof.inverse().matrix.astype(np.float32),
                                        CropMeta(landmarker_to_image).to_array()))
    return placements


class LivenessPreprocessor:
    """(encoded image, FacePlacement) samples -> LMK_INPUT, SPOOF_INPUT, CROP_META batches."""

    def __init__(self, crops: LivenessCrops, settings: DecodeSettings):
        self.crops = crops

        def graph(images: DataNode, inputs: Mapping[str, DataNode]) -> tuple[DataNode, DataNode]:
            return (warped_input(images, inputs[_LANDMARKER_MATRIX], crops.landmarker),
                    warped_input(images, inputs[_ANTISPOOF_MATRIX], crops.antispoof))

        self._pipeline = ImagePipeline(graph, settings, sample_inputs={_LANDMARKER_MATRIX: types.FLOAT,
                                                                       _ANTISPOOF_MATRIX: types.FLOAT})

    def run(self, samples: Sequence[tuple[bytes, FacePlacement]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Raises `InvalidImagesError` naming unusable images."""
        blobs = [blob for blob, _ in samples]
        placements = [placement for _, placement in samples]
        landmarker_input, antispoof_input = self._pipeline.run(
            blobs, **{_LANDMARKER_MATRIX: [p.landmarker_matrix for p in placements],
                      _ANTISPOOF_MATRIX: [p.antispoof_matrix for p in placements]})
        return landmarker_input, antispoof_input, np.stack([p.crop_meta for p in placements])


def preprocess_settings(args: Mapping[str, Any]) -> tuple[LivenessCrops, DecodeSettings]:
    """liveness_preprocess's config parameters (from its `initialize` args): both crops (`landmarker_*`,
    `antispoof_*`) and the decode settings; any other key fails the load."""
    return read_strictly(json.loads(args["model_config"]), lambda params: (
        LivenessCrops.from_parameters(params), DecodeSettings.from_triton(args, params)))
