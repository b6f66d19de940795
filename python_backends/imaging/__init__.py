"""Robust DALI decoding of encoded images, shared by every preprocessing model."""

from python_backends.imaging.errors import ImageProblem, InvalidImagesError
from python_backends.imaging.header import ImageHeader, read_header
from python_backends.imaging.pipeline import ImagePipeline, decode_images, warp_affine
from python_backends.imaging.requests import run_grouped
from python_backends.imaging.settings import DecodeSettings, model_parameters

__all__ = ["DecodeSettings", "ImageHeader", "ImagePipeline", "ImageProblem", "InvalidImagesError",
           "decode_images", "model_parameters", "read_header", "run_grouped", "warp_affine"]
