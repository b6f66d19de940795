"""Blinks and head turns found by the decision layer's detector against the hand labels.

A labelled window is cut into verify-sized clips (SEGMENT submitted frames, overlapping by half) at a chosen
frame rate; each clip runs through `analyse_motion` exactly as verify runs it, and events found in several
overlapping clips count once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from facegate.evaluation.labels import ClipLabels
from facegate.evaluation.signals import FrameSignals
from python_backends.decision import Box, DecisionConfig, LiveFace
from python_backends.decision.actions import analyse_motion

SEGMENT = 48  # frames per simulated verify clip (verify takes 8-64)


@dataclass(frozen=True)
class Found:
    action: str
    start: int  # source frame numbers
    end: int


@dataclass(frozen=True)
class ActionScore:
    clip: str
    fps: float
    frames: int  # frames the detector saw
    blinks_labelled: int
    blinks_found: int  # labelled blinks with a detected blink
    blinks_false: int  # detected blinks outside every labelled blink
    turns_labelled: int
    turns_found: int  # labelled turns with a detected turn of the same direction
    turns_false: int
    false_events: tuple[Found, ...]
    ambiguous_events: int  # events inside a range the labeller marked ambiguous


def _face(signal: FrameSignals) -> LiveFace:
    return LiveFace(Box(0, 0, signal.face_px, signal.face_px), signal.sharpness,
                    (signal.eye_opening, signal.eye_opening), signal.yaw_deg, signal.pitch_deg, signal.spoof_score)


def detect(signals: Sequence[FrameSignals], config: DecisionConfig) -> list[Found]:
    """Events in source frame numbers over overlapping verify-sized clips of `signals` (already at the rate)."""
    single = [s for s in signals if s.faces == 1]
    found: list[Found] = []
    starts = range(0, max(1, len(single) - SEGMENT // 2), SEGMENT // 2)
    for start in starts:
        clip = single[start:start + SEGMENT]
        motion = analyse_motion(list(range(len(clip))), [_face(s) for s in clip], False, config)
        for event in motion.events:
            candidate = Found(event.action.value, clip[event.start_frame].frame, clip[event.end_frame].frame)
            if not any(f.action == candidate.action and f.start <= candidate.end and candidate.start <= f.end
                       for f in found):
                found.append(candidate)
    return sorted(found, key=lambda f: f.start)


def _overlaps(event: Found, start: int, end: int, slack: int) -> bool:
    return event.start <= end + slack and start - slack <= event.end


def score(labels: ClipLabels, signals: Sequence[FrameSignals], every: int, config: DecisionConfig) -> ActionScore:
    """Every `every`-th measured frame (the clip at labels.fps / every), against the labels."""
    sampled = list(signals)[::every]
    events = detect(sampled, config)
    blinks = [e for e in events if e.action == "blink"]
    turns = [e for e in events if e.action != "blink"]
    blink_hits = sum(any(_overlaps(e, a, b, every) for e in blinks) for a, b in labels.blinks)
    turn_hits = sum(any(e.action == t.action and _overlaps(e, t.start, t.end, every) for e in turns)
                    for t in labels.turns)
    unclear = [e for e in events if any(_overlaps(e, a, b, 0) for a, b in labels.ambiguous)]
    false_blinks = [e for e in blinks if e not in unclear
                    and not any(_overlaps(e, a, b, every) for a, b in labels.blinks)]
    false_turns = [e for e in turns if e not in unclear
                   and not any(e.action == t.action and _overlaps(e, t.start, t.end, every) for t in labels.turns)]
    return ActionScore(labels.asset, round(labels.fps / every, 1), len(sampled), len(labels.blinks), blink_hits,
                       len(false_blinks), len(labels.turns), turn_hits, len(false_turns),
                       tuple(false_blinks + false_turns), len(unclear))


def every_for(labels: ClipLabels, fps: float) -> int:
    """The frame step that brings the clip nearest `fps` (never above its own rate)."""
    return max(1, round(labels.fps / fps))
