"""Triton adapter: landmarker + anti-spoofing outputs and CROP_META -> per-face liveness signals
(spoof_score is optional: the face_signals ensemble leaves the anti-spoofing network out)."""

from __future__ import annotations

import json

import triton_python_backend_utils as pb_utils

from python_backends.core_dumps import forbid_core_dumps
from python_backends.liveness.postprocess import liveness_signals, spoof_model_threshold
from python_backends.triton_responses import error_response, response

_INPUTS = ("landmarks", "face_score", "spoof_score", "CROP_META")


class TritonPythonModel:
    def initialize(self, args: dict[str, str]) -> None:
        forbid_core_dumps()
        self._spoof_threshold = spoof_model_threshold(json.loads(args["model_config"]))

    def execute(self, requests: list) -> list:
        responses = []
        for request in requests:
            try:
                tensors = [pb_utils.get_input_tensor_by_name(request, name) for name in _INPUTS]
                inputs = [None if tensor is None else tensor.as_numpy() for tensor in tensors]
                signals = liveness_signals(*inputs, spoof_threshold=self._spoof_threshold)
                responses.append(response(signals.as_outputs()))
            except ValueError as error:
                responses.append(error_response(error))
        return responses
