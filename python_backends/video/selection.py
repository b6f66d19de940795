"""Which decoded frames the full verify path (anti-spoofing, embedding, decision) runs on.

Screening measured every frame; the decision layer's own blink and turn detection
(python_backends.decision.actions), with its frame-count thresholds scaled to the clip's rate, finds
the actions at the full frame rate. The chosen frames carry each of them into the decision: a blink
as open-closed-open (its last open frame before, its most closed frame, its first open frame after),
a turn as its start, peak and end. Then the sharpest of the most frontal open-eyed frames (for the
face match) and frames evenly spread over the clip (the neutral pose, faceless frames, stillness),
each moved to the nearest frame the detector ran on: its faces need no new detection (chosen.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from python_backends.decision import DecisionConfig
from python_backends.decision.actions import ActionEvent, detect_blinks, detect_turns
from python_backends.video.screening import FrameScreen

# At least this many evenly spread frames besides the action and match frames, so the decision
# layer's neutral yaw and open-eye baseline come from ordinary frames.
MIN_SPREAD_FRAMES = 4


def at_frame_rate(config: DecisionConfig, fps: float, reference_fps: float) -> DecisionConfig:
    """`config` with its frame-count thresholds (blink length, baseline window, turn length)
    scaled from `reference_fps` to `fps`."""
    scale = max(1.0, fps / reference_fps)

    def frames(count: int) -> int:
        return max(1, int(round(count * scale)))

    return dataclasses.replace(config, blink_max_frames=frames(config.blink_max_frames),
                               blink_baseline_window=frames(config.blink_baseline_window) | 1,
                               turn_min_frames=frames(config.turn_min_frames))


def clip_actions(screen: FrameScreen, config: DecisionConfig) -> tuple[list[ActionEvent], list[ActionEvent]]:
    """(blinks, turns) over the single-face frames, in decoded frame numbers."""
    faced = screen.single_face
    if not len(faced):
        return [], []
    yaw = screen.yaw_deg[faced]
    return (detect_blinks(faced, screen.eye_opening[faced], config),
            detect_turns(faced, yaw - np.median(yaw), config))


def action_frames(screen: FrameScreen, blinks: list[ActionEvent], turns: list[ActionEvent]) -> set[int]:
    faced = screen.single_face
    chosen: set[int] = set()
    for blink in blinks:
        before, after = faced[faced < blink.start_frame], faced[faced > blink.end_frame]
        chosen |= {int(before[-1]), blink.peak_frame, int(after[0])}
    for turn in turns:
        chosen |= {turn.start_frame, turn.peak_frame, turn.end_frame}
    return chosen


def match_frames(screen: FrameScreen, count: int) -> set[int]:
    """The `count` sharpest of the match candidates (FrameScreen.match_candidates)."""
    frontal = screen.match_candidates(count)
    return {int(i) for i in frontal[np.argsort(-screen.sharpness[frontal], kind="stable")[:count]]}


def spread_frames(total: int, count: int, onto: Sequence[int] = ()) -> set[int]:
    """`count` frame numbers evenly spread over `total` frames, first and last included; each moved
    to the nearest of `onto` when given (fewer frames where two meet)."""
    spread = np.linspace(0, total - 1, min(count, total)).round().astype(int)
    if not len(onto):
        return {int(i) for i in spread}
    known = np.asarray(sorted(onto))
    return {int(known[np.abs(known - i).argmin()]) for i in spread}


def select_frames(screen: FrameScreen, fps: float, config: DecisionConfig, wanted: int,
                  reference_fps: float) -> list[int]:
    """Frame numbers in time order: about `wanted` frames (more when the actions need them), at most
    config.max_frames; every frame of a clip no longer than `wanted`."""
    total = len(screen.faces)
    if total <= wanted:
        return list(range(total))
    blinks, turns = clip_actions(screen, at_frame_rate(config, fps, reference_fps))
    chosen = action_frames(screen, blinks, turns) | match_frames(screen, config.match_frames)
    budget = min(config.max_frames, max(wanted, len(chosen) + MIN_SPREAD_FRAMES))
    spread, detected = budget - len(chosen), sorted(screen.detections)
    while len(chosen) < min(budget, total):
        onto = detected if spread <= len(detected) else ()  # past that, any frame: the budget must fill
        chosen |= set(sorted(spread_frames(total, spread, onto) - chosen)[:budget - len(chosen)])
        spread += 1
    return sorted(chosen)[:config.max_frames]
