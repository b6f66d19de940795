"""What the verify model measured, as plain numbers (no pixels, no embeddings)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    """x1, y1, x2, y2 in original image pixels."""

    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def size_px(self) -> float:
        """The face's shorter side."""
        return min(self.x2 - self.x1, self.y2 - self.y1)


@dataclass(frozen=True)
class ImageFacts:
    """An uploaded image as known before inference (size from the header, not decoded pixels)."""

    encoded_bytes: int
    width: int
    height: int
    corrupt: bool = False  # empty, or the header / decoder refused it


@dataclass(frozen=True)
class LiveFace:
    """The largest face of one selfie frame.

    sharpness: higher is sharper, same measure as IdPhotoMeasurement.sharpness (liveness SHARPNESS).
    eye_opening: (subject's left, subject's right) eye aspect ratio, as liveness_postprocess's
    EYE_OPENING (NaN where the eye could not be measured).
    yaw_deg: > 0 when the subject turned to their own left *as the image shows it* (the
    mirroring of the frames is undone by the rules, not here). pitch_deg: > 0 looking up.
    spoof_score: 0 live .. 1 spoof, or None when this frame was not scored (only the few frames
    that decide are, python_backends/verify/frame_selection.py).
    identity_similarity: cosine of this face's embedding with the clip's medoid face's (the
    majority identity, python_backends/verify/measure.py), or None
    when this frame was not embedded.
    """

    box: Box
    sharpness: float
    eye_opening: tuple[float, float]
    yaw_deg: float
    pitch_deg: float
    spoof_score: float | None
    identity_similarity: float | None = None


@dataclass(frozen=True)
class FrameMeasurement:
    face_count: int
    face: LiveFace | None = None  # the largest face; None exactly when face_count == 0

    def __post_init__(self) -> None:
        if (self.face is None) != (self.face_count == 0):
            raise ValueError("face must be given exactly when face_count > 0")


@dataclass(frozen=True)
class IdPhotoMeasurement:
    """match_score: cosine of the ID face's embedding with the best live frames', None without a face."""

    face_count: int
    box: Box | None = None  # the largest face
    sharpness: float | None = None
    match_score: float | None = None

    def __post_init__(self) -> None:
        if (self.box is None) != (self.face_count == 0):
            raise ValueError("box must be given exactly when face_count > 0")
