"""Detector input with DALI: decode, resize (aspect kept), pad to S x S with the mean colour (uint8)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from nvidia.dali import fn, types
from nvidia.dali.data_node import DataNode

from python_backends.config_parameters import read_strictly
from python_backends.detection.letterbox import Letterbox
from python_backends.imaging import DecodeSettings, ImagePipeline
from python_backends.imaging.input_spec import DETECTOR_INPUT, ModelInputSpec


def letterbox_graph(spec: ModelInputSpec):
    """DALI graph: decoded RGB images -> (CHW uint8 input, image shape, scaled shape)."""
    size = spec.input_size

    def graph(images: DataNode, _inputs: Mapping[str, DataNode]) -> tuple[DataNode, ...]:
        scaled = fn.resize(images, resize_longer=size, antialias=True)
        if spec.channel_order == "BGR":
            scaled = fn.color_space_conversion(scaled, image_type=types.RGB, output_type=types.BGR)
        # Crop S x S from the top-left corner, padding past the image with the mean colour: zeros once the
        # model has normalised it, as the detector was trained.
        padded = fn.crop_mirror_normalize(scaled, crop=(size, size), crop_pos_x=0.0, crop_pos_y=0.0,
                                          out_of_bounds_policy="pad", fill_values=list(spec.mean),
                                          dtype=types.UINT8, output_layout="CHW")
        return padded, images.shape(), scaled.shape()

    return graph


class DetectPreprocessor:
    """Encoded images -> detector input batch (N, 3, S, S) and DET_META (N, 5)."""

    def __init__(self, spec: ModelInputSpec, settings: DecodeSettings):
        self.spec = spec
        self._pipeline = ImagePipeline(letterbox_graph(spec), settings)

    def run(self, blobs: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
        """Raises `InvalidImagesError` naming the unusable images."""
        inputs, image_shapes, scaled_shapes = self._pipeline.run(blobs)
        meta = np.stack([Letterbox(int(image[0]), int(image[1]), int(scaled[0]), int(scaled[1]),
                                   self.spec.input_size).to_meta()
                         for image, scaled in zip(image_shapes, scaled_shapes)])
        return inputs, meta


def preprocess_settings(args: Mapping[str, Any]) -> tuple[ModelInputSpec, DecodeSettings]:
    """detect_preprocess's config parameters (from its `initialize` args): the detector input (`input_size`,
    `mean`, `std`, `channel_order`) and the decode settings; any other key fails the load."""
    return read_strictly(json.loads(args["model_config"]), lambda params: (
        DETECTOR_INPUT.with_parameters(params), DecodeSettings.from_triton(args, params)))
