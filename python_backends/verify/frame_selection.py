"""Which frames of a clip the expensive per-face models see (Triton-free; a video path reuses it).

Landmarks, pose, eye opening and sharpness are cheap and measured on every frame: blinks and turns
need them all. Anti-spoofing (~108 ms of CPU per face here) and embeddings only need the frames
that decide: the few most frontal, open-eyed frames (what an ID photo shows) are matched against
the ID photo and scored for spoofing, so the frames that pass as the customer are the frames
checked for a presentation attack; a sparse, evenly spaced sample (first and last frame included)
is embedded for the identity-consistency check. The sample depends on the frame count alone, so
its embeddings can run while the cheap signals that choose the frontal frames are computed.
The frontal frames are scored for spoofing only until a majority of them lies on one side of the
threshold (`spoof_frames_still_needed`): that side is the side of their median, so the rest would not
change the decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

OPEN_EYES_FRACTION = 0.8
"""Eyes below this x the clip's median opening (blinks, closures) are not frontal candidates."""


class FrameSignals(Protocol):
    """The cheap per-face signals the choice uses (verify's FaceSignals has them)."""

    eye_opening: tuple[float, float]
    yaw_deg: float
    pitch_deg: float
    sharpness: float


def frontal_frames(signals: Sequence[FrameSignals], count: int) -> list[int]:
    """Positions of the `count` faces nearest a frontal, open-eyed pose (sharper first on a tie).

    Eyes below OPEN_EYES_FRACTION x the clip's median opening are left out unless nothing else is left.
    """
    opening = np.array([np.mean(s.eye_opening) for s in signals], dtype=np.float64)
    with np.errstate(invalid="ignore"):
        open_eyes = (np.flatnonzero(opening >= OPEN_EYES_FRACTION * np.nanmedian(opening))
                     if np.isfinite(opening).any() else [])
    candidates = [int(i) for i in open_eyes] or list(range(len(signals)))
    candidates.sort(key=lambda i: (abs(signals[i].yaw_deg) + abs(signals[i].pitch_deg), -signals[i].sharpness))
    return candidates[:count]


def spread_sample(count: int, size: int) -> list[int]:
    """`size` positions spread evenly over range(count), first and last included (all when size >= count)."""
    if size >= count:
        return list(range(count))
    if size < 2:
        return [0][:size]
    return sorted({int(i) for i in np.linspace(0, count - 1, size).round()})


def spoof_frames_still_needed(scores: Sequence[float], total: int, threshold: float) -> int:
    """How many more of the `total` chosen frames to score for spoofing, given the `scores` so far.

    The decision compares the median of all `total` scores with `threshold`. Once more than half of
    them (`total // 2 + 1`) lie on one side, both middle scores do too, so the median of all of them
    and the median of those scored fall on that side whatever the rest score: 2 of 3 frames decide
    unless they disagree. Until then, score just enough frames to reach that majority.
    """
    majority = total // 2 + 1
    above = sum(score > threshold for score in scores)
    agreeing = max(above, len(scores) - above)
    return 0 if agreeing >= majority else min(majority - agreeing, total - len(scores))
