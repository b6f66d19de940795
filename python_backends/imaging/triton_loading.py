"""What each image pre-processing adapter does at load: read its parameters strictly, say where it
decodes (`make gpu-check` reads that log line), and build its preprocessor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import triton_python_backend_utils as pb_utils

from python_backends.imaging.settings import DecodeSettings

Preprocessor = TypeVar("Preprocessor")


def load_preprocessor(args: dict[str, str], read_settings: Callable[[dict[str, str]], tuple[Any, DecodeSettings]],
                      build: Callable[[Any, DecodeSettings], Preprocessor]) -> Preprocessor:
    spec, settings = read_settings(args)
    pb_utils.Logger.log_info(f"{args['model_instance_name']}: {settings.decoder}")
    return build(spec, settings)
