"""Triton adapter: encoded images -> RetinaFace input (DALI decode, letterbox, normalise)."""

from __future__ import annotations

import numpy as np
import triton_python_backend_utils as pb_utils

from python_backends.detection.preprocess import DetectPreprocessor, preprocess_settings
from python_backends.imaging import InvalidImagesError, run_grouped


class TritonPythonModel:
    def initialize(self, args: dict[str, str]) -> None:
        spec, settings = preprocess_settings(args)
        pb_utils.Logger.log_info(f"{args['model_instance_name']}: {settings.decoder}")
        self._preprocessor = DetectPreprocessor(spec, settings)

    def execute(self, requests: list) -> list:
        groups = [[bytes(blob) for blob in pb_utils.get_input_tensor_by_name(request, "IMAGE").as_numpy().reshape(-1)]
                  for request in requests]
        return [_response(result) for result in run_grouped(groups, self._preprocessor.run)]


def _response(result: tuple[np.ndarray, ...] | InvalidImagesError):
    if isinstance(result, InvalidImagesError):
        error = pb_utils.TritonError(f"IMAGE: {result}", pb_utils.TritonError.INVALID_ARG)
        return pb_utils.InferenceResponse(output_tensors=[], error=error)
    det_input, det_meta = result
    return pb_utils.InferenceResponse(output_tensors=[pb_utils.Tensor("DET_INPUT", det_input),
                                                      pb_utils.Tensor("DET_META", det_meta)])
