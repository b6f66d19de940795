"""The parts of a Triton model config (as the Python backend hands it over) this backend uses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from python_backends.config_parameters import read_strictly
from python_backends.errors import BackendError

DEFAULT_MODEL_FILENAME = "model.onnx"

TRITON_TO_NUMPY: dict[str, np.dtype] = {
    name: np.dtype(dtype)
    for name, dtype in {
        "TYPE_BOOL": np.bool_,
        "TYPE_UINT8": np.uint8,
        "TYPE_UINT16": np.uint16,
        "TYPE_UINT32": np.uint32,
        "TYPE_UINT64": np.uint64,
        "TYPE_INT8": np.int8,
        "TYPE_INT16": np.int16,
        "TYPE_INT32": np.int32,
        "TYPE_INT64": np.int64,
        "TYPE_FP16": np.float16,
        "TYPE_FP32": np.float32,
        "TYPE_FP64": np.float64,
    }.items()
}


class ModelConfigError(BackendError, ValueError):
    """The model config cannot be served by this backend as written."""


@dataclass(frozen=True)
class TensorSpec:
    name: str
    dtype: np.dtype
    dims: tuple[int, ...]
    """Shape without the batch dimension; -1 is a wildcard."""


@dataclass(frozen=True)
class TensorRtSettings:
    """The config's `optimization { execution_accelerators { gpu_execution_accelerator [ { name: "tensorrt"
    parameters {...} } ] } }`, with the native ONNX Runtime backend's parameter names."""

    fp16: bool = False  # precision_mode FP16
    engine_cache_path: str | None = None  # trt_engine_cache_path (trt_engine_cache_enable true)


@dataclass(frozen=True)
class OrtModelConfig:
    name: str
    max_batch_size: int
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]
    model_filename: str
    intra_op_threads: int
    """0 lets ONNX Runtime choose (the native backend's default too)."""
    inter_op_threads: int
    tensorrt: TensorRtSettings | None = None
    """TensorRT execution provider requested for GPU instances."""

    @property
    def batched(self) -> bool:
        return self.max_batch_size > 0

    @property
    def output_names(self) -> list[str]:
        return [spec.name for spec in self.outputs]


def parse_model_config(config: Mapping[str, Any]) -> OrtModelConfig:
    """Reads the config dict the Python backend passes as `args["model_config"]` (JSON-decoded)."""
    name = config.get("name", "?")
    intra_op_threads, inter_op_threads = read_strictly(config, lambda params: (
        _int_parameter(name, params, "intra_op_thread_count"), _int_parameter(name, params, "inter_op_thread_count")))
    return OrtModelConfig(
        name=name,
        max_batch_size=int(config.get("max_batch_size", 0)),
        inputs=tuple(_tensor_spec(name, entry) for entry in config.get("input", [])),
        outputs=tuple(_tensor_spec(name, entry) for entry in config.get("output", [])),
        model_filename=config.get("default_model_filename") or DEFAULT_MODEL_FILENAME,
        intra_op_threads=intra_op_threads,
        inter_op_threads=inter_op_threads,
        tensorrt=_tensorrt(name, config.get("optimization") or {}),
    )


def _tensorrt(model: str, optimization: Mapping[str, Any]) -> TensorRtSettings | None:
    accelerators = (optimization.get("execution_accelerators") or {}).get("gpu_execution_accelerator") or []
    for accelerator in accelerators:
        if accelerator.get("name") != "tensorrt":
            raise ModelConfigError(f"model '{model}': unsupported GPU execution accelerator {accelerator.get('name')!r}")
        parameters = accelerator.get("parameters") or {}
        precision = parameters.get("precision_mode", "FP32")
        if precision not in ("FP32", "FP16"):
            raise ModelConfigError(f"model '{model}': TensorRT precision_mode must be FP32 or FP16, got {precision!r}")
        cache = parameters.get("trt_engine_cache_path") if parameters.get("trt_engine_cache_enable") == "true" else None
        return TensorRtSettings(precision == "FP16", cache)
    return None


def model_file(model_directory: Path, version: str | int, config: OrtModelConfig) -> Path:
    """`<model dir>/<version>/<default_model_filename or model.onnx>`, as the native backend resolves it."""
    return Path(model_directory) / str(version) / config.model_filename


def _tensor_spec(model: str, entry: Mapping[str, Any]) -> TensorSpec:
    data_type = entry.get("data_type", "")
    if data_type not in TRITON_TO_NUMPY:
        raise ModelConfigError(f"model '{model}': tensor '{entry.get('name')}' has unsupported data_type {data_type!r}")
    reshape = entry.get("reshape")
    dims = reshape["shape"] if reshape else entry.get("dims", [])
    return TensorSpec(name=entry["name"], dtype=TRITON_TO_NUMPY[data_type], dims=tuple(int(d) for d in dims))


def _int_parameter(model: str, parameters: Mapping[str, str], key: str) -> int:
    raw = parameters.get(key, "0")
    try:
        value = int(raw)
    except ValueError:
        raise ModelConfigError(f"model '{model}': parameter {key} must be an integer, got {raw!r}") from None
    if value < 0:
        raise ModelConfigError(f"model '{model}': parameter {key} must be >= 0, got {value}")
    return value
