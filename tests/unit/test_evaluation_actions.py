"""Scoring detected blinks and turns against hand labels (pure logic, synthetic per-frame signals)."""

from facegate.evaluation.actions import every_for, score
from facegate.evaluation.labels import ClipLabels, Turn, labelled_assets, load
from facegate.evaluation.signals import FrameSignals
from python_backends.decision import DecisionConfig

CONFIG = DecisionConfig()


def signals(blinks=(), turn=None, frames=range(100, 196)):
    """Open eyes (0.3) with dips to 0.05 over `blinks` ranges; yaw -20 over `turn` (the subject's right)."""
    out = []
    for n in frames:
        closed = any(a <= n <= b for a, b in blinks)
        yaw = -20.0 if turn and turn[0] <= n <= turn[1] else 0.0
        out.append(FrameSignals(n, 1, 120.0, 0.05 if closed else 0.3, yaw, 0.0, 0.0, 50.0))
    return out


def labels(**changes):
    base = dict(asset="clip", fps=24.0, window=(100, 196), step=1, blinks=((120, 122),), long_closures=(),
                turns=(Turn(160, 175, "turn_right"),), ambiguous=(), method="synthetic")
    return ClipLabels(**(base | changes))


def test_labelled_events_are_found_and_nothing_else():
    result = score(labels(), signals(blinks=[(120, 122)], turn=(160, 175)), 1, CONFIG)
    assert (result.blinks_found, result.blinks_labelled, result.blinks_false) == (1, 1, 0)
    assert (result.turns_found, result.turns_labelled, result.turns_false) == (1, 1, 0)
    assert result.frames == 96 and result.fps == 24.0


def test_an_unlabelled_blink_is_false_unless_marked_ambiguous():
    measured = signals(blinks=[(120, 122), (140, 141)], turn=(160, 175))
    false = score(labels(), measured, 1, CONFIG)
    assert false.blinks_false == 1 and false.false_events[0].start == 140
    unclear = score(labels(ambiguous=((139, 142),)), measured, 1, CONFIG)
    assert unclear.blinks_false == 0 and unclear.ambiguous_events == 1


def test_a_turn_to_the_wrong_side_is_missed_and_false():
    result = score(labels(turns=(Turn(160, 175, "turn_left"),)), signals(blinks=[(120, 122)], turn=(160, 175)), 1,
                   CONFIG)
    assert (result.turns_found, result.turns_false) == (0, 1)


def test_a_blink_between_sampled_frames_is_missed_at_a_low_rate():
    measured = signals(blinks=[(122, 122)], turn=(160, 175))
    assert score(labels(blinks=((122, 122),)), measured, 1, CONFIG).blinks_found == 1
    assert score(labels(blinks=((122, 122),)), measured, 3, CONFIG).blinks_found == 0  # 100, 103, ... 121, 124


def test_frame_step_for_a_rate():
    assert [every_for(labels(), rate) for rate in (8, 15, 25)] == [3, 2, 1]


def test_committed_label_files_load():
    assert set(labelled_assets()) >= {"franck_video", "webcam_video", "turns_video", "single_face_video"}
    for asset in labelled_assets():
        loaded = load(asset)
        assert loaded.window[0] < loaded.window[1] and loaded.method
        assert all(loaded.window[0] <= a <= b < loaded.window[1] for a, b in loaded.blinks)
        assert all(t.action in ("turn_left", "turn_right") for t in loaded.turns)
