"""Decode settings, and reading them from a Triton model's config and instance."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from python_backends.config_parameters import model_parameters
from python_backends.image_limits import MAX_IMAGE_PIXELS, MIN_IMAGE_SIDE_PX
from python_backends.imaging.errors import ImageProblem
from python_backends.imaging.header import ImageHeader


@dataclass(frozen=True)
class DecodeSettings:
    """How DALI decodes a batch, and which image sizes are accepted.

    `device_id=None` decodes with DALI's CPU operators; a device id decodes with
    the mixed (nvJPEG) decoder and runs the caller's graph on that GPU.
    """

    max_batch_size: int = 64
    num_threads: int = 2
    device_id: int | None = None
    # The guard for any caller of the pre-processing models (verify checks the same limits from the headers first).
    max_pixels: int = MAX_IMAGE_PIXELS
    min_side: int = MIN_IMAGE_SIDE_PX

    @property
    def decoder(self) -> str:
        """Where images are decoded, as the preprocessing models log it at load (make gpu-check reads it)."""
        return "DALI cpu decoder" if self.device_id is None else f"DALI mixed decoder (nvJPEG) on GPU {self.device_id}"

    def check(self, header: ImageHeader) -> None:
        """Raise `ImageProblem` when the image is too large or too small to accept."""
        if header.pixels > self.max_pixels:
            raise ImageProblem(f"{header.width}x{header.height} exceeds the limit of {self.max_pixels} pixels")
        if min(header.height, header.width) < self.min_side:
            raise ImageProblem(f"{header.width}x{header.height} is smaller than {self.min_side} px on a side")

    @classmethod
    def from_triton(cls, args: Mapping[str, Any], params: Mapping[str, str] | None = None) -> DecodeSettings:
        """From the `args` a Python-backend model gets in `initialize` (config parameters
        `max_pixels`, `min_side`, `dali_threads`, read from `params` when given (`read_strictly`);
        GPU decoding when the instance is on a GPU)."""
        config = json.loads(args["model_config"])
        params = model_parameters(config) if params is None else params
        on_gpu = args.get("model_instance_kind") == "GPU"
        return cls(
            max_batch_size=max(1, int(config.get("max_batch_size", 0))),
            num_threads=int(params.get("dali_threads", cls.num_threads)),
            device_id=int(args["model_instance_device_id"]) if on_gpu else None,
            max_pixels=int(params.get("max_pixels", cls.max_pixels)),
            min_side=int(params.get("min_side", cls.min_side)),
        )

