"""Triton adapter: encoded image + 5 landmarks -> ArcFace-aligned embedder input (DALI)."""

from __future__ import annotations

import numpy as np
import triton_python_backend_utils as pb_utils

from python_backends.alignment.embed_preprocess import EmbedPreprocessor, landmarks_batch, preprocess_settings
from python_backends.core_dumps import forbid_core_dumps
from python_backends.imaging.requests import run_requests
from python_backends.imaging.triton_loading import load_preprocessor
from python_backends.triton_responses import response


class TritonPythonModel:
    def initialize(self, args: dict[str, str]) -> None:
        forbid_core_dumps()
        self._preprocessor = load_preprocessor(args, preprocess_settings, EmbedPreprocessor)

    def execute(self, requests: list) -> list:
        return [response(result, ("EMB_INPUT",)) for result in run_requests(requests, self._samples,
                                                                                self._preprocessor.run)]

    def _samples(self, request) -> list[tuple[bytes, np.ndarray]]:
        blobs = [bytes(blob) for blob in pb_utils.get_input_tensor_by_name(request, "IMAGE").as_numpy().reshape(-1)]
        landmarks = landmarks_batch(pb_utils.get_input_tensor_by_name(request, "LANDMARKS").as_numpy(), len(blobs))
        return [(blob, self._preprocessor.crop_matrix(points)) for blob, points in zip(blobs, landmarks)]
