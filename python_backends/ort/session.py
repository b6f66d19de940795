"""Opening an ONNX Runtime session for one Triton model instance."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import onnxruntime as ort

from python_backends.ort.model_config import ModelConfigError, OrtModelConfig, TensorRtSettings, TensorSpec

CPU_PROVIDER = "CPUExecutionProvider"
CUDA_PROVIDER = "CUDAExecutionProvider"
TENSORRT_PROVIDER = "TensorrtExecutionProvider"

ONNX_TO_NUMPY: dict[str, np.dtype] = {
    f"tensor({onnx_name})": np.dtype(dtype)
    for onnx_name, dtype in {
        "bool": np.bool_,
        "uint8": np.uint8,
        "uint16": np.uint16,
        "uint32": np.uint32,
        "uint64": np.uint64,
        "int8": np.int8,
        "int16": np.int16,
        "int32": np.int32,
        "int64": np.int64,
        "float16": np.float16,
        "float": np.float32,
        "double": np.float64,
    }.items()
}

Provider = str | tuple[str, dict[str, int | bool | str]]


def choose_providers(instance_kind: str, device_id: int, available: Sequence[str],
                     tensorrt: TensorRtSettings | None = None) -> list[Provider]:
    """CUDA on the instance's device for a GPU instance when ORT has it (TensorRT first when the config asks
    for it and ORT has it: nodes TensorRT cannot build fall back to CUDA), else the CPU alone."""
    if instance_kind != "GPU" or CUDA_PROVIDER not in available:
        return [CPU_PROVIDER]
    providers: list[Provider] = [(CUDA_PROVIDER, {"device_id": device_id}), CPU_PROVIDER]
    if tensorrt is not None and TENSORRT_PROVIDER in available:
        options: dict[str, int | bool | str] = {"device_id": device_id, "trt_fp16_enable": tensorrt.fp16}
        if tensorrt.engine_cache_path:
            options.update(trt_engine_cache_enable=True, trt_engine_cache_path=tensorrt.engine_cache_path)
        providers.insert(0, (TENSORRT_PROVIDER, options))
    return providers


def session_options(config: OrtModelConfig) -> ort.SessionOptions:
    options = ort.SessionOptions()
    options.intra_op_num_threads = config.intra_op_threads
    options.inter_op_num_threads = config.inter_op_threads
    return options


def check_graph_io(
    config: OrtModelConfig, graph_inputs: Sequence[ort.NodeArg], graph_outputs: Sequence[ort.NodeArg]
) -> None:
    """Raises ModelConfigError naming every config tensor the ONNX graph does not match."""
    problems = _mismatches("input", config.inputs, graph_inputs, config.batched)
    problems += _mismatches("output", config.outputs, graph_outputs, config.batched)
    configured = {spec.name for spec in config.inputs}
    unfed = [arg.name for arg in graph_inputs if arg.name not in configured]
    problems += [f"graph input '{name}' is missing from the config" for name in unfed]
    if problems:
        raise ModelConfigError(f"model '{config.name}' config does not match its ONNX graph: " + "; ".join(problems))


def open_session(path: Path, config: OrtModelConfig, instance_kind: str, device_id: int) -> ort.InferenceSession:
    if not path.is_file():
        raise ModelConfigError(f"model '{config.name}': no ONNX file at {path}")
    providers = choose_providers(instance_kind, device_id, ort.get_available_providers(), config.tensorrt)
    session = ort.InferenceSession(str(path), sess_options=session_options(config), providers=providers)
    check_graph_io(config, session.get_inputs(), session.get_outputs())
    return session


def _mismatches(kind: str, specs: Sequence[TensorSpec], graph: Sequence[ort.NodeArg], batched: bool) -> list[str]:
    by_name = {arg.name: arg for arg in graph}
    problems = []
    for spec in specs:
        arg = by_name.get(spec.name)
        if arg is None:
            problems.append(f"{kind} '{spec.name}' is not in the graph (graph {kind}s: {sorted(by_name)})")
            continue
        graph_dtype = ONNX_TO_NUMPY.get(arg.type)
        if graph_dtype != spec.dtype:
            problems.append(f"{kind} '{spec.name}' is {spec.dtype} in the config but {arg.type} in the graph")
        config_rank = len(spec.dims) + (1 if batched else 0)
        if arg.shape is not None and len(arg.shape) != config_rank:
            graph_rank = len(arg.shape)
            problems.append(f"{kind} '{spec.name}' has rank {config_rank} in the config but {graph_rank} in the graph")
    return problems
