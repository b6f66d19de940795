"""Run several Triton requests' crops as one DALI batch; a bad request fails alone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

from python_backends.imaging import run_grouped

Sample = TypeVar("Sample")


def run_requests(requests: Sequence[Any], samples_of: Callable[[Any], list[Sample]],
                 run: Callable[[list[Sample]], tuple[np.ndarray, ...]]) -> list[tuple[np.ndarray, ...] | ValueError]:
    """Per request: its batched outputs, or its input fault (bad tensors: `samples_of`'s ValueError;
    unusable images: `run`'s InvalidImagesError)."""
    results: list[tuple[np.ndarray, ...] | ValueError] = [ValueError("not run")] * len(requests)
    groups, pending = [], []
    for index, request in enumerate(requests):
        try:
            groups.append(samples_of(request))
            pending.append(index)
        except ValueError as error:
            results[index] = error
    for index, result in zip(pending, run_grouped(groups, run)):
        results[index] = result
    return results
