"""Run several Triton requests' images as one batch, failing only the requests with bad images
(the one request-grouping helper of the image pre-processing models; the ONNX Runtime backend merges
tensors by shape instead: ort/batching.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

from python_backends.imaging.errors import InvalidImagesError

Sample = TypeVar("Sample")
Outputs = tuple[np.ndarray, ...]


def run_grouped(groups: Sequence[Sequence[Sample]],
                run: Callable[[list[Sample]], Outputs]) -> list[Outputs | InvalidImagesError]:
    """`run` all groups' samples as one batch and split its batched outputs back per group.

    When `run` raises `InvalidImagesError`, each group holding a bad sample gets that error
    (indices relative to the group) and the remaining groups are run again without them.
    """
    results: list[Outputs | InvalidImagesError | None] = [
        None if samples else InvalidImagesError({0: "request has no images"}) for samples in groups]
    pending = [g for g, result in enumerate(results) if result is None]
    while pending:
        ends = np.cumsum([len(groups[g]) for g in pending])
        spans = list(zip(pending, ends - [len(groups[g]) for g in pending], ends))
        try:
            outputs = run([sample for g in pending for sample in groups[g]])
        except InvalidImagesError as error:
            for g, start, end in spans:
                mine = {index - start: reason for index, reason in error.problems.items() if start <= index < end}
                if mine:
                    results[g] = InvalidImagesError(mine)
            still_pending = [g for g in pending if results[g] is None]
            if still_pending == pending:
                raise
            pending = still_pending
            continue
        for g, start, end in spans:
            results[g] = tuple(output[start:end] for output in outputs)
        break
    return results  # type: ignore[return-value]


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
