"""Robust DALI decoding of encoded images, shared by every preprocessing model.

The DALI parts (`ImagePipeline`, `decode_images`, `warp_affine`) load on first use, so that the
header checks and settings import without DALI (the verify model reads image headers only).
"""

from python_backends.imaging.errors import ImageProblem, InvalidImagesError
from python_backends.imaging.header import ImageHeader, read_header
from python_backends.imaging.requests import run_grouped
from python_backends.imaging.settings import DecodeSettings, model_parameters

__all__ = ["DecodeSettings", "ImageHeader", "ImagePipeline", "ImageProblem", "InvalidImagesError",
           "decode_images", "model_parameters", "read_header", "run_grouped", "warp_affine"]

_DALI_NAMES = ("ImagePipeline", "decode_images", "warp_affine")


def __getattr__(name: str):
    if name in _DALI_NAMES:
        from python_backends.imaging import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
