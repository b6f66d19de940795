import numpy as np
import pytest

from python_backends.decision.actions import (
    ActionEvent,
    analyse_motion,
    detect_blinks,
    detect_turns,
    is_static,
    match_challenge,
)
from python_backends.decision.challenge import Action
from python_backends.decision.config import DecisionConfig
from python_backends.decision.measurements import Box, LiveFace
from python_backends.decision.reasons import Reason

B, L, R = Action.BLINK, Action.TURN_LEFT, Action.TURN_RIGHT
# Fixed thresholds, so these tests check the mechanics whatever the calibrated defaults become.
CONFIG = DecisionConfig(blink_close_fraction=0.6, turn_threshold_deg=15.0)
OPEN = [0.30, 0.31, 0.29, 0.30, 0.31, 0.30]


def faces(yaw, eye=None, pitch=None):
    eye = eye if eye is not None else [0.3] * len(yaw)
    pitch = pitch if pitch is not None else [0.0] * len(yaw)
    return [
        LiveFace(Box(0, 0, 100, 100), 50.0, (e, e), y, p, 0.0) for y, e, p in zip(yaw, eye, pitch)
    ]


def blinks(opening, frames=None, config=CONFIG):
    opening = np.asarray(opening, dtype=float)
    frames = np.arange(len(opening)) if frames is None else np.asarray(frames)
    return detect_blinks(frames, opening, config)


def open_eyes(frames: int, level: float = 0.28, seed: int = 0) -> np.ndarray:
    return level + np.random.default_rng(seed).normal(scale=0.004, size=frames)


def test_blink_is_a_dip_that_recovers():
    assert blinks(OPEN + [0.2, 0.06, 0.1, 0.28] + OPEN) == [ActionEvent(B, 7, 7, 8)]


@pytest.mark.parametrize("scale", [0.5, 1.0, 1.5])
def test_blink_threshold_adapts_to_the_clip(scale):
    assert len(blinks(np.array(OPEN + [0.08, 0.3] + OPEN + [0.1, 0.3]) * scale)) == 2


@pytest.mark.parametrize(
    "opening",
    [
        OPEN + [0.2, 0.06, 0.05],  # still closed at the end
        [0.05, 0.1] + OPEN,  # closed from the start
        OPEN + [0.25, 0.2] + OPEN,  # a squint, not a blink
    ],
)
def test_no_blink(opening):
    assert blinks(opening) == []


def test_two_blinks_close_together_are_two_events():
    opening = open_eyes(40)
    opening[[12, 16]] = 0.1
    assert [e.peak_frame for e in blinks(opening)] == [12, 16]


def slow_drift(opening):  # smiling narrows the eyes by 30 % over two seconds
    return opening * np.interp(np.arange(len(opening)), [20, 50], [1.0, 0.7])


@pytest.mark.parametrize("shape", ["constant", "slow_drift", "long_closure"])
def test_no_blink_in_slow_or_long_changes(shape):
    opening = open_eyes(80)
    if shape == "constant":
        opening[:] = 0.25
    elif shape == "slow_drift":
        opening = slow_drift(opening)
    else:
        opening[20:40] = 0.05  # eyes shut for two seconds: not a blink, and no baseline either
    assert blinks(opening) == []


def test_the_baseline_follows_the_eyes_of_each_part_of_the_clip():
    opening = open_eyes(80)
    opening[40:] *= 1.5  # eyes wide open in the second half (the clip-wide level is theirs)
    opening[20] = 0.12
    assert [e.peak_frame for e in blinks(opening)] == [20]


def test_blink_length_limit_counts_clip_frames():
    opening = open_eyes(40)
    opening[10:16] = 0.05
    assert [e.start_frame for e in blinks(opening, config=DecisionConfig(blink_close_fraction=0.6, blink_max_frames=6))] == [10]
    assert blinks(opening, config=DecisionConfig(blink_close_fraction=0.6, blink_max_frames=5)) == []
    assert blinks(opening, frames=np.arange(40) * 2, config=DecisionConfig(blink_max_frames=6)) == []  # 11 clip frames


def test_unmeasured_eyes_neither_start_nor_end_a_blink():
    opening = open_eyes(40)
    opening[10:14] = np.nan
    opening[20] = np.nan
    opening[21] = 0.05  # a dip right after an unmeasured frame: its start is not seen
    assert blinks(opening) == []
    opening[25] = 0.05
    assert [e.peak_frame for e in blinks(opening)] == [25]
    assert blinks(np.full(12, np.nan)) == []


def test_blink_reports_clip_frame_numbers():
    assert blinks(OPEN + [0.05] + OPEN, frames=np.arange(13) * 2 + 3) == [ActionEvent(B, 15, 15, 15)]


def turns(yaw):
    return detect_turns(np.arange(len(yaw)), np.asarray(yaw, dtype=float), CONFIG)


def test_turns_each_way():
    events = turns([0, 10, 25, 35, 25, 5, 0, -8, -22, -30, -12, 0])
    assert events == [ActionEvent(L, 2, 3, 4), ActionEvent(R, 8, 9, 10)]


def test_jitter_around_the_threshold_is_one_turn():
    assert turns([0, 21, 19, 22, 18, 23, 0]) == [ActionEvent(L, 1, 5, 5)]


def test_a_turn_must_be_held_for_min_frames():
    yaw = [0, 0, 40, 0, 0, -20, -25, 0]
    assert turns(yaw) == [ActionEvent(L, 2, 2, 2), ActionEvent(R, 5, 6, 6)]
    held = detect_turns(np.arange(8), np.asarray(yaw, dtype=float), DecisionConfig(turn_threshold_deg=15.0, turn_min_frames=2))
    assert held == [ActionEvent(R, 5, 6, 6)]


def test_small_turns_are_not_actions():
    assert turns([0, 8, 12, 14, 10, 0, -14, 0]) == []


@pytest.mark.parametrize("mirrored, expected", [(False, L), (True, R)])
def test_mirroring_swaps_the_customer_side(mirrored, expected):
    motion = analyse_motion(range(12), faces([0, 0, 0, 0, 15, 30, 35, 30, 15, 0, 0, 0]), mirrored, CONFIG)
    assert [event.action for event in motion.events] == [expected]


def test_turns_are_measured_from_the_neutral_pose():
    yaw = [12, 13, 11, 12, 25, 40, 45, 30, 12, 12, 11, 13]
    motion = analyse_motion(range(12), faces(yaw), False, CONFIG)
    assert motion.neutral_yaw_deg == pytest.approx(12.5)
    assert [(e.action, e.peak_frame) for e in motion.events] == [(L, 6)]
    assert motion.yaw_offset_max_deg == pytest.approx(32.5)


def test_motion_skips_unmeasured_eyes_and_orders_events():
    eye = [0.3, 0.3, float("nan"), 0.3, 0.3, 0.3, 0.3, 0.3, 0.05, 0.3, 0.3, 0.3]
    yaw = [0, 0, 0, -25, -30, 0, 0, 0, 0, 0, 0, 0]
    motion = analyse_motion([0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12], faces(yaw, eye), False, CONFIG)
    assert [(e.action, e.start_frame) for e in motion.events] == [(R, 3), (B, 9)]
    assert motion.blink_count == 1


def test_a_still_face_is_static_and_a_live_one_is_not():
    rng = np.random.default_rng(0)
    still = analyse_motion(range(16), faces(rng.normal(0, 0.3, 16), 0.3 + rng.normal(0, 0.003, 16)), False, CONFIG)
    assert is_static(still, CONFIG)
    nodding = analyse_motion(range(16), faces([0] * 16, pitch=np.linspace(-5, 5, 16)), False, CONFIG)
    assert not nodding.events and not is_static(nodding, CONFIG)
    turning = analyse_motion(range(8), faces([0, 0, 0, 30, 30, 0, 0, 0]), False, CONFIG)
    assert turning.events and not is_static(turning, CONFIG)


def event(action, frame):
    return ActionEvent(action, frame, frame, frame)


@pytest.mark.parametrize(
    "required, performed, problems",
    [
        ((B, L), [(B, 3), (L, 9)], ()),
        ((B, L), [(B, 1), (B, 3), (L, 9), (B, 14)], ()),  # natural blinks on top are fine
        ((L, B, R), [(L, 2), (B, 8), (R, 12)], ()),
        ((B, L), [(L, 2), (B, 8)], (Reason.ACTION_ORDER,)),
        ((L, B, R), [(R, 2), (B, 8), (L, 12)], (Reason.ACTION_ORDER,)),
        ((B, L), [(B, 2), (R, 5), (L, 9)], (Reason.ACTION_ORDER,)),  # an extra turn
        ((B, L), [(B, 2), (L, 5), (L, 9)], (Reason.ACTION_ORDER,)),
        ((B, L), [(L, 9)], (Reason.NO_BLINK,)),
        ((B, L, B), [(B, 2), (L, 9)], (Reason.NO_BLINK,)),
        ((B, R), [(B, 2), (L, 9)], (Reason.ACTION_MISSING,)),
        ((B, L), [], (Reason.NO_BLINK, Reason.ACTION_MISSING)),
    ],
)
def test_match_challenge(required, performed, problems):
    events = [event(action, frame) for action, frame in performed]
    matched, found = match_challenge(required, events)
    assert found == problems
    if not problems:
        assert [e.action for e in matched] == list(required)
        assert [e.start_frame for e in matched] == sorted(e.start_frame for e in matched)
