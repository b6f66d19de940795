"""The root of the errors python_backends raises on purpose, and how an error crosses the Triton boundary.

Only a message and a status code travel from a model to its caller (a client, or verify through BLS).
`triton_answer` words them: input faults (a ValueError: a tensor of the wrong shape, an unusable image)
are INVALID_ARG, anything else INTERNAL. An unusable image's message starts with BAD_IMAGE, which is how
verify tells a broken upload (reason IMAGE_CORRUPT) from a failing model (`is_bad_image`; an ensemble
may put its own words before the failing step's message).
"""

from __future__ import annotations

from dataclasses import dataclass

BAD_IMAGE = "IMAGE: "


class BackendError(Exception):
    """Root of every error python_backends raises on purpose."""


class BadImageError(BackendError, ValueError):
    """A request holds an image that cannot be used (python_backends.imaging.InvalidImagesError)."""


class InternalFault(BackendError):
    """A model could not compute a request's answer through no fault of the request (answered INTERNAL)."""


@dataclass(frozen=True)
class TritonAnswer:
    message: str
    input_fault: bool
    """INVALID_ARG when true, else INTERNAL."""


def triton_answer(error: Exception) -> TritonAnswer:
    if isinstance(error, BadImageError):
        return TritonAnswer(f"{BAD_IMAGE}{error}", True)
    return TritonAnswer(str(error), isinstance(error, ValueError))


def is_bad_image(message: str) -> bool:
    """Whether a model's error message (as its caller reads it) reports an unusable image."""
    return BAD_IMAGE in message
