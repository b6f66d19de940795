"""Finding the challenge's actions in a clip, and whether they follow the challenge.

The one implementation of blink and head-turn detection (thresholds in DecisionConfig). It works on
per-frame numbers only; thresholds adapt to the clip (rolling open-eye baseline, neutral yaw)
because people, cameras and landmark models differ.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from python_backends.decision.challenge import TURNS, Action
from python_backends.decision.config import DecisionConfig
from python_backends.decision.measurements import LiveFace
from python_backends.decision.reasons import Reason


@dataclass(frozen=True)
class ActionEvent:
    """Frame numbers are indices in the submitted clip; peak: eyes most closed / head most turned."""

    action: Action
    start_frame: int
    peak_frame: int
    end_frame: int


@dataclass(frozen=True)
class ClipMotion:
    """Events in time order, and how much the face moved (yaw in the customer's own frame)."""

    events: tuple[ActionEvent, ...]
    blink_count: int
    open_eye_baseline: float
    neutral_yaw_deg: float
    yaw_offset_min_deg: float  # < 0: towards the customer's right
    yaw_offset_max_deg: float  # > 0: towards the customer's left
    yaw_spread_deg: float  # 5-95 percentile spreads
    pitch_spread_deg: float
    eye_spread: float  # relative to the open-eye baseline


def _episodes(enter: np.ndarray, stay: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive position runs that begin where `enter` holds and last while `stay` holds
    (hysteresis: jitter around one threshold does not split an episode)."""
    runs, start = [], None
    for position, (entering, staying) in enumerate(zip(enter, stay)):
        if start is not None and not staying:
            runs.append((start, position - 1))
            start = None
        if start is None and entering:
            start = position
    if start is not None:
        runs.append((start, len(enter) - 1))
    return runs


def _spread(values: np.ndarray) -> float:
    low, high = np.percentile(values, [5, 95])
    return float(high - low)


def _open_eye_baseline(opening: np.ndarray, config: DecisionConfig) -> np.ndarray:
    """The open-eye level at each position: the blink_baseline_percentile of the openings in the
    blink_baseline_window positions centred on it, so slow changes (a smile, looking down) move it
    while a blink does not. It never drops below blink_baseline_floor x the clip's level, so a long eye closure cannot
    become its own baseline and pass for open eyes. NaN (unmeasured eyes) is ignored.
    """
    clip_level = float(np.nanpercentile(opening, config.blink_baseline_percentile))
    half = config.blink_baseline_window // 2
    local = np.array([
        np.nanpercentile(window, config.blink_baseline_percentile) if np.isfinite(window).any() else np.nan
        for window in (opening[max(0, i - half): i + half + 1] for i in range(len(opening)))
    ])
    return np.maximum(local, config.blink_baseline_floor * clip_level)


def detect_blinks(frames: np.ndarray, opening: np.ndarray, config: DecisionConfig) -> list[ActionEvent]:
    """Dips of the eye opening below blink_close_fraction x the open-eye baseline that come back
    above blink_reopen_fraction x it within blink_max_frames clip frames, with measured open eyes
    on both sides: a clip that starts or ends with closed eyes, or a dip next to an unmeasured
    frame, shows no complete blink there. `opening` may hold NaN where the eyes were not measured.
    """
    if not (np.isfinite(opening) & (opening > 0)).any():
        return []
    baseline = _open_eye_baseline(opening, config)
    with np.errstate(invalid="ignore"):
        relative = opening / baseline
    measured = np.isfinite(relative)
    events = []
    for a, b in _episodes(measured & (relative < config.blink_close_fraction),
                          measured & (relative < config.blink_reopen_fraction)):
        opened_before = a > 0 and measured[a - 1]
        opened_after = b < len(relative) - 1 and measured[b + 1]
        short = frames[b] - frames[a] + 1 <= config.blink_max_frames
        if opened_before and opened_after and short:
            peak = a + int(np.argmin(relative[a: b + 1]))
            events.append(ActionEvent(Action.BLINK, int(frames[a]), int(frames[peak]), int(frames[b])))
    return events


def detect_turns(frames: np.ndarray, yaw_offset: np.ndarray, config: DecisionConfig) -> list[ActionEvent]:
    """Excursions of the customer's yaw from neutral (> 0 = their left) that reach
    turn_threshold_deg and last until it comes back within turn_return_fraction x the threshold
    (hysteresis: jitter around the threshold is one turn), held for turn_min_frames positions."""
    events = []
    for action, sign in ((Action.TURN_LEFT, 1.0), (Action.TURN_RIGHT, -1.0)):
        toward = sign * yaw_offset
        for a, b in _episodes(
            toward >= config.turn_threshold_deg, toward >= config.turn_return_fraction * config.turn_threshold_deg
        ):
            if b - a + 1 >= config.turn_min_frames:
                peak = a + int(np.argmax(toward[a: b + 1]))
                events.append(ActionEvent(action, int(frames[a]), int(frames[peak]), int(frames[b])))
    return events


def analyse_motion(
    frames: Sequence[int], faces: Sequence[LiveFace], mirrored: bool, config: DecisionConfig
) -> ClipMotion:
    """`faces[i]` was seen in clip frame `frames[i]` (frames without exactly one face left out)."""
    frames = np.asarray(frames, dtype=np.int64)
    opening = np.array([np.mean(face.eye_opening) for face in faces], dtype=np.float64)
    # A mirrored frame shows a turn to the customer's left as a turn to the image's right.
    yaw = np.array([face.yaw_deg for face in faces], dtype=np.float64) * (-1.0 if mirrored else 1.0)
    pitch = np.array([face.pitch_deg for face in faces], dtype=np.float64)

    measured = np.isfinite(opening)
    baseline = float(np.percentile(opening[measured], config.blink_baseline_percentile)) if measured.any() else 0.0
    neutral = float(np.median(yaw))
    offset = yaw - neutral
    blinks = detect_blinks(frames, opening, config)
    events = sorted(blinks + detect_turns(frames, offset, config), key=lambda e: (e.start_frame, e.peak_frame))
    return ClipMotion(
        events=tuple(events),
        blink_count=len(blinks),
        open_eye_baseline=baseline,
        neutral_yaw_deg=neutral,
        yaw_offset_min_deg=float(offset.min()),
        yaw_offset_max_deg=float(offset.max()),
        yaw_spread_deg=_spread(yaw),
        pitch_spread_deg=_spread(pitch),
        eye_spread=_spread(opening[measured]) / baseline if baseline > 0 else 0.0,
    )


def is_static(motion: ClipMotion, config: DecisionConfig) -> bool:
    """No action and next to no movement of head or eyelids: what a still photo produces."""
    return (
        not motion.events
        and motion.yaw_spread_deg < config.static_max_yaw_spread_deg
        and motion.pitch_spread_deg < config.static_max_pitch_spread_deg
        and motion.eye_spread < config.static_max_eye_spread
    )


def match_challenge(
    required: Sequence[Action], events: Sequence[ActionEvent]
) -> tuple[tuple[ActionEvent, ...], tuple[Reason, ...]]:
    """The events that performed `required` in order, and what went wrong.

    Extra blinks are natural and allowed anywhere; the turns must be exactly the challenged ones
    in order, else waving the head both ways would satisfy every challenge.
    """
    detected, needed = Counter(e.action for e in events), Counter(required)
    problems = []
    if detected[Action.BLINK] < needed[Action.BLINK]:
        problems.append(Reason.NO_BLINK)
    if any(detected[turn] < needed[turn] for turn in TURNS):
        problems.append(Reason.ACTION_MISSING)

    matched: list[ActionEvent] = []
    position = 0
    for action in required:
        found = next((i for i in range(position, len(events)) if events[i].action is action), None)
        if found is None:
            break
        matched.append(events[found])
        position = found + 1

    turns_done = [e.action for e in events if e.action in TURNS]
    turns_asked = [a for a in required if a in TURNS]
    if not problems and (len(matched) < len(required) or turns_done != turns_asked):
        problems.append(Reason.ACTION_ORDER)
    return tuple(matched), tuple(problems)
