"""Frame selection and tracking between detections, on made-up per-frame numbers."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from python_backends.decision import DecisionConfig
from python_backends.verify.ensembles import Faces
from python_backends.video import VideoSettings
from python_backends.video.frames import analysis_size, bmp, upright
from python_backends.video.screening import FrameScreen
from python_backends.video.tracking import detected_frames, track_faces
from python_backends.video.selection import at_frame_rate, select_frames

CONFIG = DecisionConfig()


def one_face(x: float) -> Faces:
    box = np.array([[x, 10.0, x + 100, 130]])
    return Faces(box, np.tile(np.array([[x + 30, 50.0]]), (1, 5, 1)))


NO_FACE = Faces(np.zeros((0, 4)), np.zeros((0, 5, 2)))


def test_detector_runs_on_every_nth_frame_and_the_last():
    assert detected_frames(10, 3) == [0, 3, 6, 9] and detected_frames(11, 3) == [0, 3, 6, 9, 10]


def test_faces_between_detections_are_interpolated():
    faces, boxes, points = track_faces({0: one_face(0), 3: one_face(30), 6: NO_FACE}, 7)
    assert faces.tolist() == [1, 1, 1, 1, 1, 0, 0]
    assert boxes[1, 0] == pytest.approx(10) and boxes[2, 0] == pytest.approx(20)
    assert points[2, 0, 0] == pytest.approx(50)
    assert boxes[4, 0] == 30 and boxes[5, 0] == 30  # one neighbour with a face: its box
    assert np.isnan(boxes[6]).all()


def screen(opening, yaw, faces=None, detections=()) -> FrameScreen:
    n = len(opening)
    return FrameScreen(np.ones(n, int) if faces is None else np.asarray(faces), np.asarray(opening, float),
                       np.asarray(yaw, float), np.zeros(n), np.linspace(50, 60, n),
                       detections={i: one_face(0.0) for i in detections})


def clip_at_30fps() -> tuple[np.ndarray, np.ndarray]:
    """3 s at 30 fps: a 4-frame blink at frames 20-23 (down to 0.2 x the open level), a turn to 15 deg at frames 60-69."""
    opening, yaw = np.full(90, 0.25), np.zeros(90)
    opening[20:24] = [0.10, 0.05, 0.06, 0.11]
    yaw[60:70] = 15.0
    return opening, yaw


def test_selection_carries_the_blink_and_the_turn_and_spreads_the_rest():
    opening, yaw = clip_at_30fps()
    chosen = select_frames(screen(opening, yaw), 30.0, CONFIG, 12, 12.0)
    assert chosen == sorted(chosen) and 12 <= len(chosen) <= 16
    assert {19, 21, 24} <= set(chosen)  # open, most closed, open
    assert {60, 69} <= set(chosen)  # the turn's start and end
    assert chosen[0] == 0 and chosen[-1] == 89


def test_spread_frames_are_frames_the_detector_ran_on():
    opening, yaw = clip_at_30fps()
    detected = detected_frames(90, 6)
    chosen = select_frames(screen(opening, yaw, detections=detected), 30.0, CONFIG, 12, 12.0)
    plain = select_frames(screen(opening, yaw), 30.0, CONFIG, 12, 12.0)
    actions = {19, 21, 24, 60, 69}
    assert actions <= set(chosen) and len(chosen) == len(plain)
    assert set(chosen) - set(plain) <= set(detected)  # what moved, moved onto a detected frame
    assert len(set(chosen) & set(detected)) > len(set(plain) & set(detected))


def test_a_budget_larger_than_the_detected_frames_still_fills():
    opening, yaw = clip_at_30fps()
    chosen = select_frames(screen(opening, yaw, detections=[0, 45, 89]), 30.0, CONFIG, 30, 12.0)
    assert len(chosen) == 30 and {0, 19, 21, 24, 60, 69, 89} <= set(chosen)


def test_a_blink_only_one_frame_in_three_would_miss_is_still_chosen():
    opening, yaw = clip_at_30fps()
    opening[20:24] = 0.25
    opening[22] = 0.1  # one closed frame: every-3rd-frame sampling from frame 0 skips it
    chosen = select_frames(screen(opening, yaw), 30.0, CONFIG, 12, 12.0)
    assert 22 in chosen and 22 not in range(0, 90, 3)


def test_a_short_clip_keeps_every_frame():
    assert select_frames(screen([0.25] * 10, [0.0] * 10), 30.0, CONFIG, 12, 12.0) == list(range(10))


def test_faceless_clips_are_spread_evenly():
    n = 90
    chosen = select_frames(screen([np.nan] * n, [np.nan] * n, faces=[0] * n), 30.0, CONFIG, 12, 12.0)
    assert len(chosen) == 12 and chosen[0] == 0 and chosen[-1] == n - 1


def test_frame_count_thresholds_scale_with_the_rate():
    scaled = at_frame_rate(CONFIG, 30.0, 12.0)
    assert scaled.blink_max_frames == 25 and scaled.blink_baseline_window % 2 == 1
    assert at_frame_rate(CONFIG, 8.0, 12.0) == CONFIG  # never below the reference


def test_bmp_frames_decode_to_the_same_pixels():
    rgb = np.random.default_rng(1).integers(0, 256, (6, 10, 3), dtype=np.uint8)  # 30-byte rows: padded
    decoded = np.asarray(Image.open(io.BytesIO(bmp(rgb))).convert("RGB"))
    assert np.array_equal(decoded, rgb)


def test_analysis_size_and_upright():
    assert analysis_size(1920, 1080, 640) == (640, 360) and analysis_size(320, 240, 640) == (320, 240)
    frame = np.arange(6).reshape(2, 3, 1)
    assert upright(frame, 90).shape[:2] == (3, 2) and upright(frame, 0) is frame


def test_video_parameters_are_taken_from_the_model_config():
    params = {"video_max_duration_s": "8", "video_decoder": "cpu", "match_threshold": "0.6"}
    assert VideoSettings.take_parameters(params) == VideoSettings(max_duration_s=8.0, decoder="cpu")
    assert params == {"match_threshold": "0.6"}
    with pytest.raises(ValueError):
        VideoSettings.take_parameters({"video_max_duration": "8"})
    with pytest.raises(ValueError):
        VideoSettings(decoder="nvdec")


def test_the_decoder_follows_the_setting_and_the_visible_gpus():
    from python_backends.video.cpu_decoder import decode_cpu
    from python_backends.video.decoders import choose_decoder

    assert choose_decoder(VideoSettings(), 0) is decode_cpu
    assert choose_decoder(VideoSettings(decoder="cpu"), 1) is decode_cpu
    assert choose_decoder(VideoSettings(), 1).__name__ == "decode_gpu"  # built, not run: no GPU here
    with pytest.raises(ValueError):
        choose_decoder(VideoSettings(decoder="gpu"), 0)
