"""Blink and turn events on synthetic sequences (real clips: test_liveness_postprocess.py)."""

import numpy as np
import pytest

from python_backends.liveness.events import BlinkRule, TurnRule, find_blinks, find_turns


def _open_eyes(frames: int, level: float = 0.28, seed: int = 0) -> np.ndarray:
    return level + np.random.default_rng(seed).normal(scale=0.004, size=(frames, 2))


def test_finds_one_blink_with_its_frames():
    eyes = _open_eyes(60)
    eyes[30:33] = [[0.15, 0.16], [0.08, 0.07], [0.2, 0.2]]
    (blink,) = find_blinks(eyes)
    assert (blink.start, blink.end, blink.lowest) == (30, 32, 31)
    assert blink.depth == pytest.approx(0.075 / 0.28, abs=0.03)


def test_two_blinks_in_one_window_are_two_events():
    eyes = _open_eyes(40)
    eyes[[12, 16]] = 0.1
    assert [b.lowest for b in find_blinks(eyes)] == [12, 16]


@pytest.mark.parametrize("shape", ["constant", "slow_drift", "long_closure", "closed_at_start", "closed_at_end"])
def test_no_blink(shape):
    eyes = _open_eyes(80)
    if shape == "constant":
        eyes[:] = 0.25
    elif shape == "slow_drift":  # smiling narrows the eyes by 30% over a second
        eyes *= np.interp(np.arange(80), [20, 50], [1.0, 0.7])[:, None]
    elif shape == "long_closure":
        eyes[20:40] = 0.05
    elif shape == "closed_at_start":
        eyes[:3] = 0.05
    else:
        eyes[-2:] = 0.05
    assert find_blinks(eyes) == []


def test_frames_without_a_face_neither_start_nor_end_a_blink():
    eyes = _open_eyes(40)
    eyes[10:14] = np.nan
    eyes[20] = np.nan
    eyes[21] = 0.05  # a dip right after a missing frame: its start is not seen
    assert find_blinks(eyes) == []
    eyes[25] = 0.05
    assert [b.lowest for b in find_blinks(eyes)] == [25]


def test_single_eye_series_and_rule_limits():
    opening = _open_eyes(40)[:, 0]
    opening[10:16] = 0.05
    assert find_blinks(opening, BlinkRule(max_frames=6))[0].start == 10
    assert find_blinks(opening, BlinkRule(max_frames=5)) == []


def test_turns_left_and_right_from_neutral():
    yaw = np.full(100, 3.0)  # neutral need not be 0
    yaw[20:30] = 3.0 + np.linspace(0, 30, 10)  # subject turns to their left
    yaw[60:65] = 3.0 - 18.0
    turns = find_turns(yaw, TurnRule(threshold_deg=15.0))
    assert [(t.direction, t.start, t.end, t.peak) for t in turns] == [("left", 25, 29, 29), ("right", 60, 64, 60)]
    assert turns[0].peak_yaw == pytest.approx(30.0) and turns[1].peak_yaw == pytest.approx(-18.0)


def test_no_turn_within_threshold_or_too_short():
    yaw = np.random.default_rng(3).normal(scale=2.0, size=50)
    yaw[30] = 40.0
    assert find_turns(yaw, TurnRule(threshold_deg=10.0, min_frames=2)) == []
    assert [t.peak for t in find_turns(yaw, TurnRule(threshold_deg=10.0))] == [30]
    assert find_turns(np.full(5, np.nan)) == []
