"""Detector outputs -> faces in original image pixels, and back to padded arrays."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from python_backends.config_parameters import read_strictly
from python_backends.detection.decode import decode_boxes, decode_landmarks
from python_backends.detection.letterbox import Letterbox
from python_backends.detection.nms import nms
from python_backends.detection.priors import PriorSpec, prior_boxes


@dataclass(frozen=True)
class Face:
    """One detected face in original image pixels.

    `landmarks` (5, 2) x, y: subject's right eye, subject's left eye, nose tip,
    right mouth corner, left mouth corner (subject's right = image left).
    """

    box: np.ndarray  # (4,) x1, y1, x2, y2
    score: float
    landmarks: np.ndarray


@dataclass(frozen=True)
class DetectionParams:
    score_threshold: float = 0.9
    nms_iou: float = 0.4
    min_face_px: float = 20.0  # shorter box side in original image pixels

    @classmethod
    def from_parameters(cls, params: Mapping[str, str]) -> DetectionParams:
        return cls(score_threshold=float(params.get("score_threshold", cls.score_threshold)),
                   nms_iou=float(params.get("nms_iou", cls.nms_iou)),
                   min_face_px=float(params.get("min_face_px", cls.min_face_px)))


def find_faces(loc: np.ndarray, conf: np.ndarray, landms: np.ndarray, letterbox: Letterbox,
               params: DetectionParams, spec: PriorSpec = PriorSpec()) -> list[Face]:
    """Faces of ONE image from its detector outputs (P, 4), (P, 2), (P, 10), best score first."""
    priors = prior_boxes(spec, letterbox.input_size)
    if loc.shape != (len(priors), 4) or conf.shape != (len(priors), 2) or landms.shape != (len(priors), 10):
        raise ValueError(f"detector outputs {loc.shape}, {conf.shape}, {landms.shape} do not match "
                         f"{len(priors)} priors of a {letterbox.input_size}px input")
    candidates = np.flatnonzero(conf[:, 1] > params.score_threshold)
    priors = priors[candidates]
    boxes = letterbox.to_image(decode_boxes(loc[candidates], priors, spec.variances).reshape(-1, 2, 2)).reshape(-1, 4)
    points = letterbox.to_image(decode_landmarks(landms[candidates], priors, spec.variances))
    boxes = np.clip(boxes, 0, [letterbox.image_w, letterbox.image_h] * 2)
    big_enough = np.min(boxes[:, 2:] - boxes[:, :2], axis=1) >= params.min_face_px
    boxes, points, scores = boxes[big_enough], points[big_enough], conf[candidates[big_enough], 1]
    return [Face(boxes[i].astype(np.float32), float(scores[i]), points[i].astype(np.float32))
            for i in nms(boxes, scores, params.nms_iou)]


@dataclass(frozen=True)
class PackedFaces:
    """Faces of several images padded to the largest count (zeros after `num_faces`)."""

    boxes: np.ndarray  # (N, F, 4)
    scores: np.ndarray  # (N, F)
    landmarks: np.ndarray  # (N, F, 5, 2)
    num_faces: np.ndarray  # (N, 1) int32


def pack_faces(faces_per_image: Sequence[Sequence[Face]]) -> PackedFaces:
    n = len(faces_per_image)
    most = max((len(faces) for faces in faces_per_image), default=0)
    packed = PackedFaces(np.zeros((n, most, 4), np.float32), np.zeros((n, most), np.float32),
                         np.zeros((n, most, 5, 2), np.float32),
                         np.array([[len(faces)] for faces in faces_per_image], np.int32).reshape(n, 1))
    for i, faces in enumerate(faces_per_image):
        for j, face in enumerate(faces):
            packed.boxes[i, j], packed.scores[i, j], packed.landmarks[i, j] = face.box, face.score, face.landmarks
    return packed


def postprocess_settings(config: Mapping[str, Any]) -> tuple[DetectionParams, PriorSpec]:
    """detect_postprocess's config parameters (its parsed config): thresholds and priors; any other key fails."""
    return read_strictly(config, lambda params: (DetectionParams.from_parameters(params), PriorSpec.from_parameters(params)))
