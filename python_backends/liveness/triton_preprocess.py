"""Triton adapter: encoded image + face box + 5 landmarks -> landmarker and anti-spoofing crops (DALI).

SPOOF_INPUT (786 KB of floats per face) is made only for the requests that ask for it: `face_signals`
takes the SHARPNESS of the anti-spoofing crop, not the crop."""

from __future__ import annotations

import numpy as np
import triton_python_backend_utils as pb_utils

from python_backends.core_dumps import forbid_core_dumps
from python_backends.imaging.requests import run_requests
from python_backends.imaging.triton_loading import load_preprocessor
from python_backends.liveness.placement import FacePlacement, face_placements
from python_backends.liveness.preprocess import LivenessPreprocessor, preprocess_settings
from python_backends.liveness.sharpness import crop_sharpness
from python_backends.triton_responses import response

SPOOF_INPUT = "SPOOF_INPUT"


class TritonPythonModel:
    def initialize(self, args: dict[str, str]) -> None:
        forbid_core_dumps()
        self._preprocessor = load_preprocessor(args, preprocess_settings, LivenessPreprocessor)

    def execute(self, requests: list) -> list:
        results = run_requests(requests, self._samples, self._preprocessor.run)
        return [response(self._outputs(result, SPOOF_INPUT in request.requested_output_names()))
                for request, result in zip(requests, results)]

    def _outputs(self, result: tuple[np.ndarray, ...] | ValueError,
                 spoof_input: bool) -> dict[str, np.ndarray] | ValueError:
        if isinstance(result, ValueError):
            return result
        landmarker_input, antispoof_crops, crop_meta = result
        outputs = {"LMK_INPUT": landmarker_input, "CROP_META": crop_meta,
                   "SHARPNESS": crop_sharpness(antispoof_crops)[:, None].astype(np.float32)}
        if spoof_input:
            outputs[SPOOF_INPUT] = self._preprocessor.antispoof_input(antispoof_crops)
        return outputs

    def _samples(self, request) -> list[tuple[bytes, FacePlacement]]:
        blobs = [bytes(blob) for blob in pb_utils.get_input_tensor_by_name(request, "IMAGE").as_numpy().reshape(-1)]
        boxes = pb_utils.get_input_tensor_by_name(request, "BOX").as_numpy()
        landmarks = pb_utils.get_input_tensor_by_name(request, "LANDMARKS").as_numpy()
        if len(boxes) != len(blobs):
            raise ValueError(f"BOX holds {len(boxes)} boxes for {len(blobs)} images")
        return list(zip(blobs, face_placements(boxes, landmarks, self._preprocessor.crops)))
