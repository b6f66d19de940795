"""Live placement advice for the capture page, from the detector's faces in one small preview frame.

The page draws the oval from the same `Oval` (served at /api/config), so the advice and the drawing agree.
Measured on the test clip (turns_video frames 330-471, 640x360): face box height 0.94-1.07x the oval's,
nose offset -0.28..0.24 eye distances through its blink and ~13 degree turn; with the face centred in the
frame (the browser test's 400x360 crop), centre offsets of 0.03-0.3 semi-axes.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from facegate_client import Face


class Hint(str, enum.Enum):
    OK = "ok"
    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"
    TOO_FAR = "too_far"
    TOO_CLOSE = "too_close"
    OFF_CENTRE = "off_centre"
    LOOKING_AWAY = "looking_away"


@dataclass(frozen=True)
class Oval:
    """Centred in the preview; its height a fraction of the frame's, its width `aspect` x its height
    (at most `max_width_fraction` of a narrow frame's width)."""

    height_fraction: float = 0.85
    aspect: float = 0.75
    max_width_fraction: float = 0.9

    def semi_axes(self, width: float, height: float) -> tuple[float, float]:
        ry = self.height_fraction * height / 2
        return min(self.aspect * ry, self.max_width_fraction * width / 2), ry


@dataclass(frozen=True)
class GuidanceRules:
    oval: Oval = field(default_factory=Oval)
    min_height_ratio: float = 0.55  # face box height / oval height: below, too far (and small for the server)
    max_height_ratio: float = 1.2  # above, too close (the face leaves the frame when it turns)
    max_centre_offset: float = 0.5  # face box centre from the oval's centre, in semi-axes (elliptic norm)
    max_nose_offset: float = 0.4  # |nose - eye midpoint| / eye distance, horizontally: roughly 25 degrees of yaw


def advise(faces: Sequence[Face], width: float, height: float, rules: GuidanceRules) -> Hint:
    """The first thing the customer should change, or OK. Any second face is flagged: the server REJECTs it."""
    if not faces:
        return Hint.NO_FACE
    if len(faces) > 1:
        return Hint.SEVERAL_FACES
    x1, y1, x2, y2 = faces[0].box
    rx, ry = rules.oval.semi_axes(width, height)
    size = (y2 - y1) / (2 * ry)
    if size < rules.min_height_ratio:
        return Hint.TOO_FAR
    if size > rules.max_height_ratio:
        return Hint.TOO_CLOSE
    if math.hypot(((x1 + x2) / 2 - width / 2) / rx, ((y1 + y2) / 2 - height / 2) / ry) > rules.max_centre_offset:
        return Hint.OFF_CENTRE
    if _nose_offset(faces[0]) > rules.max_nose_offset:
        return Hint.LOOKING_AWAY
    return Hint.OK


def _nose_offset(face: Face) -> float:
    eye_a, eye_b, nose = face.landmarks[0], face.landmarks[1], face.landmarks[2]
    eye_distance = abs(float(eye_b[0] - eye_a[0]))
    if eye_distance < 1e-6:
        return math.inf
    return abs(float(nose[0]) - float(eye_a[0] + eye_b[0]) / 2) / eye_distance
