"""Which frames the expensive models see (python_backends/verify/frame_selection.py)."""

import itertools

import numpy as np
import pytest

from python_backends.verify.ensembles import FaceSignals
from python_backends.verify.frame_selection import frontal_frames, spoof_frames_still_needed, spread_sample


def signals(yaw=0.0, pitch=0.0, eyes=0.3, sharpness=40.0):
    return FaceSignals((eyes, eyes), yaw, pitch, sharpness)


def test_frontal_open_eyed_frames_are_chosen_best_first():
    clip = [signals(yaw=20), signals(yaw=1, eyes=0.05), signals(yaw=2), signals(yaw=-3, pitch=1), signals(yaw=9)]
    assert frontal_frames(clip, 3) == [2, 3, 4]


def test_a_tie_goes_to_the_sharper_frame():
    clip = [signals(yaw=2, sharpness=30), signals(yaw=-2, sharpness=90), signals(yaw=2, sharpness=60)]
    assert frontal_frames(clip, 3) == [1, 2, 0]


def test_closed_eyes_everywhere_still_gives_frames():
    clip = [signals(yaw=5, eyes=float("nan")), signals(yaw=1, eyes=float("nan"))]
    assert frontal_frames(clip, 1) == [1]


@pytest.mark.parametrize("count, size, expected", [
    (16, 8, [0, 2, 4, 6, 9, 11, 13, 15]),
    (5, 8, [0, 1, 2, 3, 4]),
    (10, 2, [0, 9]),
    (3, 1, [0]),
    (0, 4, []),
])
def test_the_identity_sample_spreads_over_the_clip_with_both_ends(count, size, expected):
    assert spread_sample(count, size) == expected


def _scored_until_decided(scores: tuple[float, ...], threshold: float) -> list[float]:
    """The scores verify asks for, in its order, until spoof_frames_still_needed says enough."""
    scored: list[float] = []
    while more := spoof_frames_still_needed(scored, len(scores), threshold):
        scored += scores[len(scored):len(scored) + more]
    return scored


@pytest.mark.parametrize("total", [1, 2, 3, 4, 5])
def test_the_frames_scored_decide_as_all_of_them_would(total):
    """Every live/spoof pattern (scores at, just below and above the threshold): the median of the
    frames scored lies on the side of the median of all of them."""
    threshold = 0.5
    for scores in itertools.product((0.1, 0.5, 0.9), repeat=total):
        scored = _scored_until_decided(scores, threshold)
        assert (np.median(scored) > threshold) == (np.median(scores) > threshold), (scores, scored)
        assert len(scored) >= total // 2 + 1 or len(scored) == total


def test_two_agreeing_frames_of_three_are_enough():
    assert _scored_until_decided((0.1, 0.2, 0.9), 0.5) == [0.1, 0.2]
    assert _scored_until_decided((0.9, 0.1, 0.2), 0.5) == [0.9, 0.1, 0.2]
    assert spoof_frames_still_needed([], 3, 0.5) == 2
