"""Liveness inputs from one decode (DALI): the rotated landmarker crop, the anti-spoofing crop
and CROP_META, per (image, face box, 5 landmarks); where the crops lie: liveness/placement.py."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from nvidia.dali import types
from nvidia.dali.data_node import DataNode

from python_backends.config_parameters import read_strictly
from python_backends.alignment.warped_input import warped_input
from python_backends.imaging import DecodeSettings, ImagePipeline
from python_backends.liveness.placement import FacePlacement, LivenessCrops

_LANDMARKER_MATRIX = "landmarker_crop_to_image"
_ANTISPOOF_MATRIX = "antispoof_crop_to_image"


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
