"""Ensemble outputs -> the decision layer's measurements (plain numbers: no pixels leave here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from python_backends.decision import DecisionConfig, FrameMeasurement, IdPhotoMeasurement, LiveFace
from python_backends.verify.ensembles import Faces, FaceSignals


def id_face_count(faces: Faces, config: DecisionConfig) -> int:
    """Faces that count in the ID photo: the ID-card ghost portrait rule leaves out a second face
    smaller than `id_ghost_max_ratio` x the main face (the card's small copy of the same portrait)."""
    if faces.count == 0:
        return 0
    sizes = faces.sizes()
    return int(np.sum(sizes >= config.id_ghost_max_ratio * sizes.max()))


def identity_similarities(embeddings: np.ndarray) -> np.ndarray:
    """Cosine of each embedding (unit rows, clip order) with the clip's medoid: the face with the highest
    median similarity to the others, i.e. one of the majority identity. A bad first frame (blurred,
    half out of the picture) then shows as one outlier instead of making every other frame one."""
    if not len(embeddings):
        return np.zeros(0)
    similarity = embeddings @ embeddings.T
    return similarity[int(np.argmax(np.median(similarity, axis=1)))]


def reference_embedding(embeddings: np.ndarray) -> np.ndarray:
    """Unit mean of the chosen live embeddings."""
    mean = embeddings.mean(axis=0)
    return mean / np.linalg.norm(mean)


def frame_measurements(faces: Sequence[Faces], signals: Mapping[int, FaceSignals], spoof: Mapping[int, float],
                       identity: Mapping[int, float]) -> list[FrameMeasurement]:
    """Per frame: the face count and the largest face's signals (`signals` holds every frame with a
    face, `spoof` the frames scored for spoofing, `identity` the single-face frames that were embedded)."""
    measured = []
    for index, found in enumerate(faces):
        if found.count == 0:
            measured.append(FrameMeasurement(0))
            continue
        s = signals[index]
        measured.append(FrameMeasurement(found.count, LiveFace(
            box=found.box(found.largest()), sharpness=s.sharpness, eye_opening=s.eye_opening, yaw_deg=s.yaw_deg,
            pitch_deg=s.pitch_deg, spoof_score=spoof.get(index), identity_similarity=identity.get(index))))
    return measured


def id_photo_measurement(faces: Faces, count: int, signals: FaceSignals | None,
                         match_score: float | None) -> IdPhotoMeasurement:
    if count == 0:
        return IdPhotoMeasurement(0)
    return IdPhotoMeasurement(count, faces.box(faces.largest()), signals.sharpness if signals else None, match_score)
