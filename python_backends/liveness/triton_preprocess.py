"""Triton adapter: encoded image + face box + 5 landmarks -> landmarker and anti-spoofing crops (DALI)."""

from __future__ import annotations

import numpy as np
import triton_python_backend_utils as pb_utils

from python_backends.imaging.requests import run_requests
from python_backends.imaging.triton_loading import load_preprocessor
from python_backends.liveness.placement import FacePlacement, face_placements
from python_backends.liveness.preprocess import LivenessPreprocessor, preprocess_settings
from python_backends.liveness.sharpness import face_sharpness
from python_backends.triton_responses import response

_OUTPUTS = ("LMK_INPUT", "SPOOF_INPUT", "CROP_META", "SHARPNESS")


class TritonPythonModel:
    def initialize(self, args: dict[str, str]) -> None:
        self._preprocessor = load_preprocessor(args, preprocess_settings, LivenessPreprocessor)

    def execute(self, requests: list) -> list:
        return [response(result, _OUTPUTS) for result in run_requests(requests, self._samples, self._run)]

    def _run(self, samples: list[tuple[bytes, FacePlacement]]) -> tuple[np.ndarray, ...]:
        landmarker_input, antispoof_input, crop_meta = self._preprocessor.run(samples)
        return (landmarker_input, antispoof_input, crop_meta,
                face_sharpness(antispoof_input, self._preprocessor.crops.antispoof))

    def _samples(self, request) -> list[tuple[bytes, FacePlacement]]:
        blobs = [bytes(blob) for blob in pb_utils.get_input_tensor_by_name(request, "IMAGE").as_numpy().reshape(-1)]
        boxes = pb_utils.get_input_tensor_by_name(request, "BOX").as_numpy()
        landmarks = pb_utils.get_input_tensor_by_name(request, "LANDMARKS").as_numpy()
        if len(boxes) != len(blobs):
            raise ValueError(f"BOX holds {len(boxes)} boxes for {len(blobs)} images")
        return list(zip(blobs, face_placements(boxes, landmarks, self._preprocessor.crops)))
