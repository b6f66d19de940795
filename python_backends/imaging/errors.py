"""Typed errors for bad input images."""

from __future__ import annotations

from collections.abc import Mapping


class ImageProblem(ValueError):
    """What is wrong with one encoded image (no index: raised while looking at a single blob)."""


class InvalidImagesError(ValueError):
    """Some images of a batch cannot be used; `problems` maps batch index -> reason."""

    def __init__(self, problems: Mapping[int, str]):
        self.problems = dict(sorted(problems.items()))
        super().__init__("; ".join(f"image {index}: {reason}" for index, reason in self.problems.items()))
