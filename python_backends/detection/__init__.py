"""Face detection around a RetinaFace-style ONNX model: letterbox input, priors, decoding, NMS."""

from python_backends.detection.faces import DetectionParams, Face, PackedFaces, find_faces, pack_faces
from python_backends.detection.letterbox import META_SIZE, Letterbox
from python_backends.detection.priors import PriorSpec, prior_boxes

__all__ = ["DetectPreprocessor", "DetectionParams", "Face", "Letterbox", "META_SIZE",
           "PackedFaces", "PriorSpec", "find_faces", "pack_faces", "prior_boxes"]


def __getattr__(name: str):
    """The DALI preprocessing loads on first use, so the numpy parts import without DALI (model build)."""
    if name == "DetectPreprocessor":
        from python_backends.detection import preprocess

        return preprocess.DetectPreprocessor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
