"""Running the requests of one `execute` call: one ONNX Runtime run per group of compatible requests.

With `max_batch_size > 0` the dynamic batcher hands several requests to one `execute`; they
are concatenated along the batch axis, run once and split back, which is what makes
batching pay. A request that cannot run gets an error for itself alone: ValueError for inputs that do not fit
the config (INVALID_ARG), InternalFault for a failed run (INTERNAL).
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np

from python_backends.errors import InternalFault
from python_backends.ort.model_config import OrtModelConfig

Arrays = dict[str, np.ndarray]
RequestInputs = Mapping[str, "np.ndarray | None"]
Result = Arrays | ValueError | InternalFault
"""The request's outputs, or the error it gets."""
Runner = Callable[[Arrays], Arrays]


def input_error(inputs: RequestInputs, config: OrtModelConfig) -> str | None:
    """Why this request's inputs do not fit the config, or None when they do."""
    for spec in config.inputs:
        array = inputs.get(spec.name)
        if array is None:
            return f"input '{spec.name}' is missing"
        if array.dtype != spec.dtype:
            return f"input '{spec.name}' is {array.dtype}, expected {spec.dtype}"
        if config.batched and array.ndim == 0:
            return f"input '{spec.name}' has no batch dimension"
        shape = array.shape[1:] if config.batched else array.shape
        if len(shape) != len(spec.dims) or any(want not in (-1, got) for want, got in zip(spec.dims, shape)):
            expected = ([-1] if config.batched else []) + list(spec.dims)
            return f"input '{spec.name}' has shape {list(array.shape)}, expected {expected}"
    return None


def merge(requests: Sequence[RequestInputs]) -> Arrays:
    """Concatenates each input of all requests along the batch axis."""
    return {name: np.concatenate([request[name] for request in requests]) for name in requests[0]}


def split(outputs: Mapping[str, np.ndarray], sizes: Sequence[int]) -> list[Arrays]:
    """Cuts each output back into per-request pieces of the given batch sizes."""
    total = sum(sizes)
    for name, array in outputs.items():
        if array.ndim == 0 or array.shape[0] != total:
            raise ValueError(f"output '{name}' has shape {list(array.shape)}; its batch dimension should be {total}")
    cuts = np.cumsum(sizes)[:-1]
    pieces = {name: np.split(array, cuts) for name, array in outputs.items()}
    return [{name: pieces[name][i] for name in outputs} for i in range(len(sizes))]


def execute_batched(requests: Sequence[RequestInputs], config: OrtModelConfig, run: Runner) -> list[Result]:
    """One result per request, in order. `run` maps input arrays to output arrays (one ORT run)."""
    results: list[Result | None] = [None] * len(requests)
    groups: dict[tuple, list[int]] = {}
    for index, inputs in enumerate(requests):
        error = input_error(inputs, config)
        if error is not None:
            results[index] = ValueError(error)
        elif config.batched:
            groups.setdefault(_non_batch_shapes(inputs), []).append(index)
        else:
            results[index] = _run_alone(run, inputs, batched=False)
    for members in groups.values():
        for index, result in zip(members, _run_group(run, [requests[i] for i in members])):
            results[index] = result
    return results  # type: ignore[return-value]  # every slot was filled above


def _non_batch_shapes(inputs: RequestInputs) -> tuple:
    return tuple(sorted((name, array.shape[1:]) for name, array in inputs.items() if array is not None))


def _run_group(run: Runner, group: Sequence[RequestInputs]) -> list[Result]:
    if len(group) == 1:
        return [_run_alone(run, group[0], batched=True)]
    sizes = [_batch_size(inputs) for inputs in group]
    try:
        return split(run(merge(group)), sizes)
    except Exception:  # noqa: BLE001 - one bad request must not fail the others: retry each alone
        return [_run_alone(run, inputs, batched=True) for inputs in group]


def _run_alone(run: Runner, inputs: RequestInputs, batched: bool) -> Result:
    try:
        outputs = run(dict(inputs))
        return split(outputs, [_batch_size(inputs)])[0] if batched else outputs
    except Exception as error:  # noqa: BLE001 - becomes this request's error response
        return InternalFault(f"{type(error).__name__}: {error}")


def _batch_size(inputs: RequestInputs) -> int:
    return next(iter(inputs.values())).shape[0]
