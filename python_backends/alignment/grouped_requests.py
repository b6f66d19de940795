"""Run several Triton requests' crops as one DALI batch; a bad request fails alone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

from python_backends.imaging import InvalidImagesError, run_grouped

Sample = TypeVar("Sample")


def run_requests(requests: Sequence[Any], samples_of: Callable[[Any], list[Sample]],
                 run: Callable[[list[Sample]], tuple[np.ndarray, ...]]) -> list[tuple[np.ndarray, ...] | str]:
    """Per request: its batched outputs, or an error message (bad tensors from `samples_of`'s
    ValueError, unusable images from `run`'s InvalidImagesError)."""
    results: list[tuple[np.ndarray, ...] | str] = [""] * len(requests)
    groups, pending = [], []
    for index, request in enumerate(requests):
        try:
            groups.append(samples_of(request))
            pending.append(index)
        except ValueError as error:
            results[index] = str(error)
    for index, result in zip(pending, run_grouped(groups, run)):
        results[index] = f"IMAGE: {result}" if isinstance(result, InvalidImagesError) else result
    return results
