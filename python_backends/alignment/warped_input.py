"""DALI graph piece: warp each decoded image with its own matrix into a normalised model input."""

from __future__ import annotations

from nvidia.dali import fn, types
from nvidia.dali.data_node import DataNode

from python_backends.imaging.input_spec import ModelInputSpec
from python_backends.imaging import warp_affine


def warped_input(images: DataNode, crop_to_image: DataNode, spec: ModelInputSpec) -> DataNode:
    """RGB uint8 HWC images + per-sample 2x3 crop->image matrices -> float CHW model input."""
    crops = warp_affine(images, crop_to_image, size=(spec.input_size, spec.input_size))
    if spec.channel_order == "BGR":
        crops = fn.color_space_conversion(crops, image_type=types.RGB, output_type=types.BGR)
    return fn.crop_mirror_normalize(crops, mean=list(spec.mean), std=list(spec.std),
                                    dtype=types.FLOAT, output_layout="CHW")
