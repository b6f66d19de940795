"""Tensors in and out of the challenge and verify models: bytes inputs, JSON outputs, metric families."""

from __future__ import annotations

import json

import numpy as np
import triton_python_backend_utils as pb_utils

from python_backends.verify.request import RequestError


def json_output(name: str, document: dict) -> pb_utils.Tensor:
    return pb_utils.Tensor(name, np.array([json.dumps(document).encode()], dtype=np.object_))


def bytes_input(request, name: str) -> list[bytes] | None:
    tensor = pb_utils.get_input_tensor_by_name(request, name)
    return None if tensor is None else [bytes(item) for item in tensor.as_numpy().reshape(-1)]


def one_input(request, name: str) -> bytes | None:
    items = bytes_input(request, name)
    if items is not None and len(items) != 1:
        raise RequestError(f"{name} must hold exactly one element")
    return items[0] if items else None


def counter_family(name: str, description: str) -> pb_utils.MetricFamily:
    return pb_utils.MetricFamily(name=name, description=description, kind=pb_utils.MetricFamily.COUNTER)


def gauge_family(name: str, description: str) -> pb_utils.MetricFamily:
    return pb_utils.MetricFamily(name=name, description=description, kind=pb_utils.MetricFamily.GAUGE)
