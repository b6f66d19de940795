"""What the decision layer's request screening needs to know about an upload, from its header alone."""

from __future__ import annotations

from python_backends.decision import ImageFacts
from python_backends.imaging import ImageProblem, read_header


def image_facts(blob: bytes) -> ImageFacts:
    """Size and stored dimensions; `corrupt` when the header is not a JPEG/PNG/BMP one (data errors
    behind a valid header surface when detection decodes the image)."""
    try:
        header = read_header(blob)
    except ImageProblem:
        return ImageFacts(len(blob), 0, 0, corrupt=True)
    return ImageFacts(len(blob), header.width, header.height)
