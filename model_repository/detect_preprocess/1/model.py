"""Triton adapter: encoded images -> RetinaFace input (DALI decode, letterbox, normalise)."""

from __future__ import annotations

import json

import numpy as np
import triton_python_backend_utils as pb_utils

from python_backends.detection import DetectPreprocessor
from python_backends.imaging import DecodeSettings, InvalidImagesError, model_parameters, run_grouped
from python_backends.imaging.input_spec import DETECTOR_INPUT


class TritonPythonModel:
    def initialize(self, args: dict[str, str]) -> None:
        spec = DETECTOR_INPUT.with_parameters(model_parameters(json.loads(args["model_config"])))
        settings = DecodeSettings.from_triton(args)
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
