"""Faces on every frame of a clip from detections on some of them (the detector runs on every n-th)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from python_backends.verify.ensembles import Faces


def detected_frames(count: int, every: int) -> list[int]:
    """The frames the detector runs on: every `every`-th and the last."""
    return sorted({*range(0, count, every), count - 1}) if count else []


def track_faces(detections: Mapping[int, Faces], count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Face counts [n], largest-face boxes [n, 4] and landmarks [n, 5, 2] (NaN: no face) for every
    frame, from detections on some of them (linear between two detected neighbours with a face)."""
    known = np.array(sorted(detections))
    faces = np.zeros(count, dtype=np.int64)
    boxes, points = np.full((count, 4), np.nan), np.full((count, 5, 2), np.nan)
    for frame in range(count):
        after = int(known[np.searchsorted(known, frame)])
        before = int(known[np.searchsorted(known, frame, side="right") - 1])
        nearer = before if frame - before <= after - frame else after
        faces[frame] = detections[nearer].count
        with_face = [(index, detections[index]) for index in (before, after) if detections[index].count]
        if not with_face:
            continue
        if len(with_face) == 1 or before == after:
            (_, found), = with_face[:1]
            boxes[frame], points[frame] = found.boxes[found.largest()], found.landmarks[found.largest()]
            continue
        weight = (frame - before) / (after - before)
        (_, first), (_, second) = with_face
        boxes[frame] = (1 - weight) * first.boxes[first.largest()] + weight * second.boxes[second.largest()]
        points[frame] = (1 - weight) * first.landmarks[first.largest()] + weight * second.landmarks[second.largest()]
    return faces, boxes, points
