"""The Python models' Triton responses: their outputs, or an error (worded by `errors.triton_answer`, or by
the model itself: `refusal`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import triton_python_backend_utils as pb_utils

from python_backends.errors import triton_answer


def refusal(message: str, code: int | None = None) -> pb_utils.InferenceResponse:
    """An error response worded by the model itself (challenge and verify: reason codes and request ids,
    never input data); INTERNAL unless `code` says otherwise."""
    error = pb_utils.TritonError(message) if code is None else pb_utils.TritonError(message, code)
    return pb_utils.InferenceResponse(output_tensors=[], error=error)


def error_response(error: Exception) -> pb_utils.InferenceResponse:
    answer = triton_answer(error)
    code = pb_utils.TritonError.INVALID_ARG if answer.input_fault else pb_utils.TritonError.INTERNAL
    return refusal(answer.message, code)


def response(result: Exception | Mapping[str, np.ndarray] | Sequence[np.ndarray],
             names: Sequence[str] = ()) -> pb_utils.InferenceResponse:
    """The error response of an exception, else the outputs: a name -> array mapping, or arrays in `names` order."""
    if isinstance(result, Exception):
        return error_response(result)
    outputs = result if isinstance(result, Mapping) else dict(zip(names, result, strict=True))
    return pb_utils.InferenceResponse(output_tensors=[pb_utils.Tensor(name, array) for name, array in outputs.items()])
