"""What an image model expects as input (size, channel order: from its preprocessing model's config
parameters; normalisation: built into the model)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

Triple = tuple[float, float, float]


@dataclass(frozen=True)
class ModelInputSpec:
    """A square `input_size` image (a face crop, or the detector's letterbox), CHW uint8 pixels in
    `channel_order`, which the model normalises as `(pixel - mean) / std` per channel (the build puts
    that in the model: the pre-processing only pads the detector's letterbox with the mean colour)."""

    input_size: int
    mean: Triple
    std: Triple
    channel_order: str = "RGB"

    def __post_init__(self) -> None:
        if self.channel_order not in ("RGB", "BGR"):
            raise ValueError(f"channel_order must be RGB or BGR, got {self.channel_order!r}")
        if len(self.mean) != 3 or len(self.std) != 3 or self.input_size < 8 or 0 in self.std:
            raise ValueError(f"invalid model input spec {self}")

    def with_parameters(self, params: Mapping[str, str], prefix: str = "") -> ModelInputSpec:
        """Override from config parameters `{prefix}input_size` and `{prefix}channel_order`. The mean and
        std are built into the model (facegate models build), so they are no parameters: a config that
        sets one fails the load as an unknown parameter."""
        return dataclasses.replace(self, input_size=int(params.get(prefix + "input_size", self.input_size)),
                                   channel_order=params.get(prefix + "channel_order", self.channel_order).upper())


def model_pixels(crops: np.ndarray, channel_order: str) -> np.ndarray:
    """RGB uint8 crops [n, S, S, 3] -> the model input [n, 3, S, S] uint8 in `channel_order`. The built
    models normalise their pixels themselves, `(pixel - mean) x (1 / std)` in float32 (the arithmetic
    of DALI's crop_mirror_normalize; facegate/model_build/graph_edit.take_pixels), so a quarter of
    the bytes travel from the pre-processing to the model."""
    chw = crops.transpose(0, 3, 1, 2)
    return np.ascontiguousarray(chw[:, ::-1] if channel_order == "BGR" else chw, dtype=np.uint8)


# The one definition of each model's input: the model build's contracts (facegate/model_build/contracts.py,
# docs/model-contracts.md) are made from these, and the preprocessing configs' parameters must repeat them
# (tests/unit/test_model_configs.py).
DETECTOR_INPUT = ModelInputSpec(320, (104.0, 117.0, 127.0), (1.0, 1.0, 1.0), "BGR")  # RetinaFace MobileNet-0.25
EMBEDDER_INPUT = ModelInputSpec(112, (127.5, 127.5, 127.5), (128.0, 128.0, 128.0))
LANDMARKER_INPUT = ModelInputSpec(192, (0.0, 0.0, 0.0), (255.0, 255.0, 255.0))
ANTISPOOF_INPUT = ModelInputSpec(256, (0.0, 0.0, 0.0), (255.0, 255.0, 255.0))
