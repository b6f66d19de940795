"""Which frames the expensive models see (python_backends/verify/frame_selection.py)."""

import pytest

from python_backends.verify.ensembles import FaceSignals
from python_backends.verify.frame_selection import frontal_frames, spread_sample


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
