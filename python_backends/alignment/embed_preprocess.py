"""Embedder input: decode (DALI), warp onto the ArcFace template from 5 landmarks (imaging/crops.py), normalise."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from python_backends.alignment.arcface import arcface_transform
from python_backends.config_parameters import read_strictly
from python_backends.imaging import DecodeSettings
from python_backends.imaging.crops import CropPipeline
from python_backends.imaging.input_spec import EMBEDDER_INPUT, ModelInputSpec, model_pixels

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
        self._pipeline = CropPipeline({_MATRIX: spec.input_size}, settings)

    def crop_matrix(self, landmarks: np.ndarray) -> np.ndarray:
        """Crop -> image matrix (float32 2x3) for one face; ValueError for degenerate landmarks."""
        return arcface_transform(landmarks, self.spec.input_size).inverse().matrix.astype(np.float32)

    def run(self, samples: Sequence[tuple[bytes, np.ndarray]]) -> tuple[np.ndarray]:
        """Samples are (blob, crop_matrix); raises `InvalidImagesError` naming unusable images."""
        blobs, matrices = zip(*samples)
        (crops,) = self._pipeline.run(list(blobs), **{_MATRIX: list(matrices)})
        return (model_pixels(crops, self.spec.channel_order),)


def preprocess_settings(args: Mapping[str, Any]) -> tuple[ModelInputSpec, DecodeSettings]:
    """embed_preprocess's config parameters (from its `initialize` args): the embedder input (`input_size`,
    `mean`, `std`, `channel_order`) and the decode settings; any other key fails the load."""
    return read_strictly(json.loads(args["model_config"]), lambda params: (
        EMBEDDER_INPUT.with_parameters(params), DecodeSettings.from_triton(args, params)))
