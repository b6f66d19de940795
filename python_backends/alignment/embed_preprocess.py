"""Embedder input: decode, warp onto the ArcFace template from 5 landmarks, normalise (DALI)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from nvidia.dali import types
from nvidia.dali.data_node import DataNode

from python_backends.alignment.arcface import arcface_transform
from python_backends.config_parameters import read_strictly
from python_backends.imaging.input_spec import EMBEDDER_INPUT, ModelInputSpec
from python_backends.alignment.warped_input import warped_input
from python_backends.imaging import DecodeSettings, ImagePipeline

_MATRIX = "crop_to_image"


def landmarks_batch(landmarks: np.ndarray, count: int) -> np.ndarray:
    """Check a request's LANDMARKS: `count` faces of 5 finite (x, y) points -> float64 [count, 5, 2]."""
    landmarks = np.asarray(landmarks, dtype=np.float64)
    if landmarks.shape != (count, 5, 2):
        raise ValueError(f"LANDMARKS must be [{count}, 5, 2] for {count} images, got {list(landmarks.shape)}")
    if not np.all(np.isfinite(landmarks)):
        raise ValueError("LANDMARKS must be finite")
    return landmarks


class EmbedPreprocessor:
    """(encoded image, its face's 5 landmarks) pairs -> embedder input (N, 3, S, S)."""

    def __init__(self, spec: ModelInputSpec, settings: DecodeSettings):
        self.spec = spec

        def graph(images: DataNode, inputs: Mapping[str, DataNode]) -> tuple[DataNode]:
            return (warped_input(images, inputs[_MATRIX], spec),)

        self._pipeline = ImagePipeline(graph, settings, sample_inputs={_MATRIX: types.FLOAT})

    def crop_matrix(self, landmarks: np.ndarray) -> np.ndarray:
        """Crop -> image matrix (float32 2x3) for one face; ValueError for degenerate landmarks."""
        return arcface_transform(landmarks, self.spec.input_size).inverse().matrix.astype(np.float32)

    def run(self, samples: Sequence[tuple[bytes, np.ndarray]]) -> tuple[np.ndarray]:
        """Samples are (blob, crop_matrix); raises `InvalidImagesError` naming unusable images."""
        blobs, matrices = zip(*samples)
        return self._pipeline.run(list(blobs), **{_MATRIX: list(matrices)})


def preprocess_settings(args: Mapping[str, Any]) -> tuple[ModelInputSpec, DecodeSettings]:
    """embed_preprocess's config parameters (from its `initialize` args): the embedder input (`input_size`,
    `mean`, `std`, `channel_order`) and the decode settings; any other key fails the load."""
    return read_strictly(json.loads(args["model_config"]), lambda params: (
        EMBEDDER_INPUT.with_parameters(params), DecodeSettings.from_triton(args, params)))
