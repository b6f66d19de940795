"""Typed errors for bad input images (InvalidImagesError answers INVALID_ARG with the BAD_IMAGE mark: errors.py)."""

from __future__ import annotations

from collections.abc import Mapping

from python_backends.errors import BackendError, BadImageError


class ImageProblem(BackendError, ValueError):
    """What is wrong with one encoded image (no index: raised while looking at a single blob)."""


class InvalidImagesError(BadImageError):
    """Some images of a batch cannot be used; `problems` maps batch index -> reason."""

    def __init__(self, problems: Mapping[int, str]):
        self.problems = dict(sorted(problems.items()))
        super().__init__("; ".join(f"image {index}: {reason}" for index, reason in self.problems.items()))
