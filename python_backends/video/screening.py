"""Cheap measurements of every decoded frame: faces, eye opening, yaw, pitch and sharpness.

The face detector runs on every `detect_every`-th frame; the frames between get the largest face's
box and landmarks interpolated from their detected neighbours (a head moves a few pixels in 1/10 s,
well inside the landmarker's 1.3x crop). The landmarker (through verify's `face_signals` call: no
anti-spoofing) then runs on every frame with a face, so blinks are measured at the full frame rate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from python_backends.verify.ensembles import Faces, SignalEnsembles


@dataclass(frozen=True)
class FrameScreen:
    """Per decoded frame; NaN where no face was tracked. faces: the count in the nearest detected frame."""

    faces: np.ndarray
    eye_opening: np.ndarray  # mean of both eyes
    yaw_deg: np.ndarray
    pitch_deg: np.ndarray
    sharpness: np.ndarray

    @property
    def single_face(self) -> np.ndarray:
        """Frame numbers with exactly one face and measured eyes."""
        return np.flatnonzero((self.faces == 1) & np.isfinite(self.eye_opening))


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


def chunks(items: np.ndarray | list, size: int) -> list:
    return [items[start:start + size] for start in range(0, len(items), size)]


async def screen_frames(frames: Sequence[bytes], ensembles: SignalEnsembles, detect_every: int,
                        batch: int) -> FrameScreen:
    """At most `batch` frames per ensemble call, one call after another: what a request holds in flight
    (in the Python backend's shared memory) stays bounded whatever the clip's length."""
    count = len(frames)
    picked = detected_frames(count, detect_every)
    found = [faces for part in chunks(picked, batch) for faces in await ensembles.detect([frames[i] for i in part])]
    faces, boxes, points = track_faces(dict(zip(picked, found)), count)
    opening, yaw, pitch, sharpness = (np.full(count, np.nan) for _ in range(4))
    for part in chunks(np.flatnonzero(np.isfinite(boxes[:, 0])), batch):
        signals = await ensembles.signals([frames[i] for i in part], boxes[part], points[part])
        opening[part] = [np.mean(face.eye_opening) for face in signals]
        yaw[part], pitch[part] = [face.yaw_deg for face in signals], [face.pitch_deg for face in signals]
        sharpness[part] = [face.sharpness for face in signals]
    return FrameScreen(faces, opening, yaw, pitch, sharpness)
