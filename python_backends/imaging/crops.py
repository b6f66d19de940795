"""Decode encoded images and cut square crops from each with its own 2x3 crop -> image matrices.

On a GPU, DALI decodes (nvJPEG) and warps there; on the CPU, DALI decodes and PIL warps
(imaging/warp.py: DALI's CPU warp_affine cost ~2.5x the CPU for the same crop). Either way the crops
come back as RGB uint8 [n, S, S, 3], for the caller to normalise (input_spec.normalised).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from nvidia.dali import types
from PIL import Image

from python_backends.imaging.pipeline import ImagePipeline, warp_affine
from python_backends.imaging.settings import DecodeSettings
from python_backends.imaging.warp import warp_image


class CropPipeline:
    """Encoded images -> one uint8 crop per image for each named crop side (`sides`: name -> S px)."""

    def __init__(self, sides: Mapping[str, int], settings: DecodeSettings, dali_warps: bool | None = None):
        """`dali_warps`: DALI cuts the crops where it decodes (default: on a GPU instance); False: PIL cuts
        them from DALI's decoded images."""
        self.sides = dict(sides)
        self._on_host = not (settings.device_id is not None if dali_warps is None else dali_warps)
        if self._on_host:
            self._pipeline = ImagePipeline(lambda images, _: (images,), settings)
        else:
            self._pipeline = ImagePipeline(
                lambda images, inputs: tuple(warp_affine(images, inputs[name], size=(side, side))
                                             for name, side in self.sides.items()),
                settings, sample_inputs={name: types.FLOAT for name in self.sides})

    def run(self, blobs: Sequence[bytes], **matrices: Sequence[np.ndarray]) -> tuple[np.ndarray, ...]:
        """The crops of each name in `sides` order; `matrices[name]` holds one crop -> image matrix per blob.
        Raises `InvalidImagesError` naming unusable images."""
        if set(matrices) != set(self.sides):
            raise TypeError(f"expected matrices {sorted(self.sides)}, got {sorted(matrices)}")
        if not self._on_host:
            return self._pipeline.run(blobs, **matrices)
        for name, values in matrices.items():
            if len(values) != len(blobs):
                raise ValueError(f"{name}: {len(values)} values for {len(blobs)} images")
        placements = iter(zip(*(matrices[name] for name in self.sides)))

        def cut(decoded: np.ndarray) -> tuple[np.ndarray, ...]:
            image = Image.fromarray(np.ascontiguousarray(decoded))
            return tuple(warp_image(image, matrix, side) for matrix, side in zip(next(placements), self.sides.values()))

        per_image = self._pipeline.map_samples(blobs, cut)
        return tuple(np.stack(crops) for crops in zip(*per_image))
