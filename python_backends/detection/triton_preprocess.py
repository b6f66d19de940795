"""Triton adapter: encoded images -> RetinaFace input (DALI decode, letterbox, normalise)."""

from __future__ import annotations

import triton_python_backend_utils as pb_utils

from python_backends.core_dumps import forbid_core_dumps
from python_backends.detection.preprocess import DetectPreprocessor, preprocess_settings
from python_backends.imaging.requests import run_requests
from python_backends.imaging.triton_loading import load_preprocessor
from python_backends.triton_responses import response

_OUTPUTS = ("DET_INPUT", "DET_META")


class TritonPythonModel:
    def initialize(self, args: dict[str, str]) -> None:
        forbid_core_dumps()
        self._preprocessor = load_preprocessor(args, preprocess_settings, DetectPreprocessor)

    def execute(self, requests: list) -> list:
        return [response(result, _OUTPUTS) for result in run_requests(requests, _images, self._preprocessor.run)]


def _images(request) -> list[bytes]:
    return [bytes(blob) for blob in pb_utils.get_input_tensor_by_name(request, "IMAGE").as_numpy().reshape(-1)]
