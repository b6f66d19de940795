"""Clip-level liveness events from per-frame signals: blinks and head turns.

Indices are positions in the sequences given (a caller that samples every k-th frame maps them
back). Frames without a face are NaN and neither start, extend nor end an event.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np


@dataclass(frozen=True)
class BlinkEvent:
    start: int  # first frame of the dip (below the reopen level)
    end: int  # last frame of the dip
    lowest: int  # frame with the smallest opening
    depth: float  # smallest opening / open-eye baseline there (0 = shut)


@dataclass(frozen=True)
class TurnEvent:
    direction: Literal["left", "right"]  # the subject's own side
    start: int
    end: int
    peak: int  # frame furthest from neutral
    peak_yaw: float  # degrees from the clip's neutral yaw at `peak` (+ = subject's left)


@dataclass(frozen=True)
class BlinkRule:
    """A blink dips below `close_ratio` x the open-eye baseline and comes back above `reopen_ratio`
    x baseline within `max_frames` frames, with open eyes on both sides.

    The baseline at a frame is the `baseline_percentile` of the openings in the `baseline_window`
    frames centred on it, so slow changes (smiling, looking down) move it while a blink does not;
    it never drops below `floor_ratio` x the same percentile over the whole clip, so a long eye
    closure cannot become its own baseline and pass for open eyes.
    """

    close_ratio: float = 0.7
    reopen_ratio: float = 0.85
    max_frames: int = 10
    baseline_window: int = 21
    baseline_percentile: float = 75.0
    floor_ratio: float = 0.7


@dataclass(frozen=True)
class TurnRule:
    """A turn is a run of at least `min_frames` frames whose yaw differs from the clip's neutral
    (its median yaw: a liveness clip mostly faces the camera) by more than `threshold_deg`."""

    threshold_deg: float = 10.0
    min_frames: int = 1


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive (start, end) of each run of True."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2])]


def _open_baseline(opening: np.ndarray, rule: BlinkRule) -> np.ndarray:
    half = rule.baseline_window // 2
    baseline = np.full(len(opening), np.nan)
    for i in range(len(opening)):
        window = opening[max(0, i - half): i + half + 1]
        window = window[np.isfinite(window)]
        if window.size:
            baseline[i] = np.percentile(window, rule.baseline_percentile)
    floor = rule.floor_ratio * np.nanpercentile(opening, rule.baseline_percentile)
    return np.maximum(baseline, floor)


def find_blinks(eye_openings: np.ndarray, rule: BlinkRule = BlinkRule()) -> list[BlinkEvent]:
    """Blinks in per-frame eye openings [T] or [T, 2] (both eyes are averaged: a blink closes both)."""
    openings = np.asarray(eye_openings, dtype=np.float64)
    opening = openings.mean(axis=1) if openings.ndim == 2 else openings
    if opening.ndim != 1:
        raise ValueError(f"eye openings must be [T] or [T, 2], got {openings.shape}")
    if not np.isfinite(opening).any():
        return []
    baseline = _open_baseline(opening, rule)
    with np.errstate(invalid="ignore"):
        relative = opening / baseline
    finite = np.isfinite(relative)
    events = []
    for start, end in _runs(finite & (relative < rule.reopen_ratio)):
        dip = relative[start: end + 1]
        opened_before = start > 0 and finite[start - 1]
        opened_after = end + 1 < len(relative) and finite[end + 1]
        if dip.min() < rule.close_ratio and end - start + 1 <= rule.max_frames and opened_before and opened_after:
            lowest = start + int(np.argmin(dip))
            events.append(BlinkEvent(start, end, lowest, float(dip.min())))
    return events


def find_turns(yaws: np.ndarray, rule: TurnRule = TurnRule()) -> list[TurnEvent]:
    """Head turns in per-frame yaw [T] (degrees, + = subject's left)."""
    yaw = np.asarray(yaws, dtype=np.float64)
    if yaw.ndim != 1:
        raise ValueError(f"yaws must be [T], got {yaw.shape}")
    if not np.isfinite(yaw).any():
        return []
    relative = yaw - np.nanmedian(yaw)
    events = []
    with np.errstate(invalid="ignore"):
        sides = (("left", relative > rule.threshold_deg), ("right", relative < -rule.threshold_deg))
    for direction, mask in sides:
        for start, end in _runs(mask):
            if end - start + 1 >= rule.min_frames:
                peak = start + int(np.argmax(np.abs(relative[start: end + 1])))
                events.append(TurnEvent(direction, start, end, peak, float(relative[peak])))
    return sorted(events, key=lambda event: event.start)
