"""`TritonPythonModel` serving `<model>/<version>/model.onnx` with ONNX Runtime.

The server's backend directory holds `onnxruntime/model.py`, which imports this class, so any
config with `backend: "onnxruntime"` runs here on the pip-installed server (and on NVIDIA's
native ONNX Runtime backend in the NGC container, unchanged).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import triton_python_backend_utils as pb_utils

from python_backends.core_dumps import forbid_core_dumps
from python_backends.ort.arena_trim import IdleArenaTrim, probe_inputs
from python_backends.ort.batching import Arrays, execute_batched
from python_backends.ort.model_config import TensorSpec, model_file, parse_model_config
from python_backends.ort.session import CUDA_PROVIDER, open_session
from python_backends.triton_responses import response


class TritonPythonModel:
    def initialize(self, args: dict[str, str]) -> None:
        forbid_core_dumps()
        self._config = parse_model_config(json.loads(args["model_config"]))
        path = model_file(Path(args["model_repository"]), args["model_version"], self._config)
        kind, device_id = args["model_instance_kind"], int(args["model_instance_device_id"])
        self._session = open_session(path, self._config, kind, device_id)
        providers = self._session.get_providers()
        placement = f"{args['model_instance_name']}: {path.name} on {kind} device {device_id}, providers {providers}"
        if kind == "GPU" and CUDA_PROVIDER not in providers:
            pb_utils.Logger.log_warn(f"{placement}: ONNX Runtime could not use CUDA, running on the CPU")
        else:
            pb_utils.Logger.log_info(placement)
        self._trim = IdleArenaTrim(
            lambda feeds, options: self._session.run(None, feeds, options), probe_inputs(self._config),
            lambda error: pb_utils.Logger.log_warn(f"{args['model_instance_name']}: arena trim failed: {error}"))

    def execute(self, requests: list) -> list:
        inputs = [_request_inputs(request, self._config.inputs) for request in requests]
        responses = [response(result) for result in execute_batched(inputs, self._config, self._run)]
        self._trim.ran()
        return responses

    def finalize(self) -> None:
        self._trim.close()

    def _run(self, feeds: Arrays) -> Arrays:
        names = self._config.output_names
        return dict(zip(names, self._session.run(names, feeds)))


def _request_inputs(request, specs: tuple[TensorSpec, ...]) -> dict[str, np.ndarray | None]:
    tensors = {spec.name: pb_utils.get_input_tensor_by_name(request, spec.name) for spec in specs}
    return {name: None if tensor is None else tensor.as_numpy() for name, tensor in tensors.items()}
