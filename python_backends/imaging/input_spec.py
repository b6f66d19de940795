"""What an image model expects as input (size, normalisation, channel order), read from its
preprocessing model's config parameters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

Triple = tuple[float, float, float]


@dataclass(frozen=True)
class ModelInputSpec:
    """A square `input_size` image (a face crop, or the detector's letterbox), `(pixel - mean) / std`
    per channel in `channel_order`, CHW."""

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
        """Override from config parameters `{prefix}input_size`, `{prefix}mean` / `{prefix}std`
        ("127.5,127.5,127.5") and `{prefix}channel_order`."""
        def triple(key: str, default: Triple) -> Triple:
            if prefix + key not in params:
                return default
            values = tuple(float(v) for v in params[prefix + key].split(","))
            if len(values) != 3:
                raise ValueError(f"{prefix + key} needs 3 comma-separated values, got {params[prefix + key]!r}")
            return values  # type: ignore[return-value]

        return ModelInputSpec(input_size=int(params.get(prefix + "input_size", self.input_size)),
                              mean=triple("mean", self.mean), std=triple("std", self.std),
                              channel_order=params.get(prefix + "channel_order", self.channel_order).upper())


def normalised(crops: np.ndarray, spec: ModelInputSpec) -> np.ndarray:
    """RGB uint8 crops [n, S, S, 3] -> the model input [n, 3, S, S] float32 as `spec` wants it (the same
    arithmetic as DALI's crop_mirror_normalize: (pixel - mean) x (1 / std) in float32)."""
    chw = crops.transpose(0, 3, 1, 2)
    if spec.channel_order == "BGR":
        chw = chw[:, ::-1]
    mean, std = (np.asarray(v, np.float32)[:, None, None] for v in (spec.mean, spec.std))
    out = np.subtract(chw, mean, dtype=np.float32, order="C")
    out *= 1 / std
    return out


# The one definition of each model's input: the model build's contracts (facegate/model_build/contracts.py,
# docs/model-contracts.md) are made from these, and the preprocessing configs' parameters must repeat them
# (tests/unit/test_model_configs.py).
DETECTOR_INPUT = ModelInputSpec(320, (104.0, 117.0, 127.0), (1.0, 1.0, 1.0), "BGR")  # RetinaFace MobileNet-0.25
EMBEDDER_INPUT = ModelInputSpec(112, (127.5, 127.5, 127.5), (128.0, 128.0, 128.0))
LANDMARKER_INPUT = ModelInputSpec(192, (0.0, 0.0, 0.0), (255.0, 255.0, 255.0))
ANTISPOOF_INPUT = ModelInputSpec(256, (0.0, 0.0, 0.0), (255.0, 255.0, 255.0))
