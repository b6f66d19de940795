"""Screening: detections at the detector's size, landmarker crops cut from the pixels, the sparse
landmarking pass and its refinement around eye dips and turn edges."""

from __future__ import annotations

import asyncio
import io

import numpy as np
import pytest
from PIL import Image

from facegate import testdata
from facegate.bench.repository import model_config
from python_backends.decision import DecisionConfig
from python_backends.imaging import DecodeSettings, model_parameters
from python_backends.imaging.input_spec import ModelInputSpec
from python_backends.liveness.placement import LivenessCrops, face_placements
from python_backends.liveness.preprocess import LivenessPreprocessor
from tests.unit.sharpness_reference import face_sharpness
from python_backends.verify.ensembles import CropSignals, Faces
from python_backends.video import VideoSettings
from python_backends.video.crops import landmarker_inputs, landmarker_sharpness
from python_backends.video.screening import SCREEN_CROPS, FrameScreen, frames_to_refine, screen_frames
from python_backends.video.selection import at_frame_rate

CONFIG = at_frame_rate(DecisionConfig(), 30.0, 12.0)  # blink_max_frames 25
BOX = np.array([[350.0, 200.0, 560.0, 500.0]])
LANDMARKS = np.array([[[400.0, 300.0], [500.0, 320.0], [450.0, 370.0], [410.0, 420.0], [490.0, 435.0]]])


def refine(opening, yaw=None, landmarked=None) -> list[int]:
    opening = np.asarray(opening, float)
    n = len(opening)
    screen = FrameScreen(np.ones(n, int), opening, np.zeros(n) if yaw is None else np.asarray(yaw, float),
                         np.zeros(n), np.zeros(n))
    done = np.isfinite(opening) if landmarked is None else landmarked
    return frames_to_refine(screen, np.arange(n), done, CONFIG).tolist()


def sparse(values: np.ndarray, every: int = 3) -> np.ndarray:
    out = np.full(len(values), np.nan)
    out[::every] = values[::every]
    return out


def test_a_blink_seen_in_one_sparse_frame_gets_every_frame_around_it():
    opening = np.full(30, 0.25)
    opening[11:14] = [0.15, 0.05, 0.2]  # frame 12 is sparse
    assert refine(sparse(opening)) == [10, 11, 13, 14]


def test_open_eyes_and_a_steady_gaze_need_nothing_more():
    assert refine(sparse(np.full(30, 0.25) + np.random.default_rng(0).normal(0, 0.005, 30))) == []


def test_eyes_narrowed_for_seconds_get_their_edges_not_their_length():
    opening = np.full(90, 0.25)
    opening[30:] = 0.05 + np.random.default_rng(1).normal(0, 0.003, 60)  # 60 frames > blink_max_frames
    assert refine(sparse(opening)) == [28, 29]


def test_a_blink_inside_narrowed_eyes_is_refined_where_the_opening_moves():
    opening = np.full(90, 0.25)
    opening[30:] = 0.12
    opening[60:63] = [0.25, 0.25, 0.25]  # the eyes open once (60) in the narrowed stretch
    assert {58, 59, 61, 62} <= set(refine(sparse(opening)))
    assert not set(range(33, 55)) & set(refine(sparse(opening)))  # only next to the moves


def test_turn_edges_are_refined():
    yaw = np.zeros(60)
    yaw[20:40] = 15.0
    frames = refine(sparse(np.full(60, 0.25)), sparse(yaw))
    assert frames == [19, 20, 40, 41]  # across 18 -> 21 (enters) and 39 -> 42 (back below half the threshold)


def test_a_sway_short_of_a_turn_needs_nothing_more():
    yaw = np.zeros(60)
    yaw[20:40] = 7.0  # past the return level (5 deg), short of the threshold (10)
    assert refine(sparse(np.full(60, 0.25)), sparse(yaw)) == []


def test_frames_already_tried_are_not_asked_again():
    opening = sparse(np.r_[np.full(12, 0.25), 0.05, np.full(17, 0.25)])
    landmarked = np.isfinite(opening)
    landmarked[[10, 11, 13, 14]] = True  # tried, the landmarker answered NaN
    assert refine(opening, landmarked=landmarked) == []


def test_screen_crops_are_liveness_preprocess_s():
    configured = LivenessCrops.from_parameters(model_parameters(model_config("liveness_preprocess")))
    assert (configured.landmarker, configured.landmarker_box_scale) == (SCREEN_CROPS.landmarker,
                                                                      SCREEN_CROPS.landmarker_box_scale)


def test_landmarker_crops_cut_here_match_liveness_preprocess():
    blob = testdata.read("obama")
    rgb = np.asarray(Image.open(io.BytesIO(blob)).convert("RGB"))
    ours, meta = landmarker_inputs([rgb], BOX, LANDMARKS, SCREEN_CROPS)
    preprocessor = LivenessPreprocessor(SCREEN_CROPS, DecodeSettings(max_batch_size=1))
    theirs, _, their_meta = preprocessor.run([(blob, face_placements(BOX, LANDMARKS, SCREEN_CROPS)[0])])
    assert ours.shape == theirs.shape == (1, 3, 192, 192) and np.array_equal(meta, their_meta)
    assert ours.dtype == theirs.dtype == np.uint8  # pixels: the model normalises them
    assert np.abs(ours.astype(int) - theirs).mean() < 2  # both bilinear; rounding and pixel-centre details differ
    sharpness = landmarker_sharpness([rgb], BOX, LANDMARKS, SCREEN_CROPS)
    pixels = ModelInputSpec(192, (0.0, 0.0, 0.0), (1.0, 1.0, 1.0))  # face_sharpness un-normalises by these
    assert sharpness == pytest.approx(face_sharpness(ours.astype(np.float32), pixels)[:, 0], rel=1e-5)


class FakeEnsembles:
    """One face at the same place in every frame; eyes close in frames 12-14."""

    def __init__(self):
        self.detected_sizes, self.landmarked = [], []

    async def detect(self, images):
        sizes = [Image.open(io.BytesIO(image)).size for image in images]
        self.detected_sizes += sizes
        return [Faces(np.array([[w * 0.3, h * 0.2, w * 0.6, h * 0.8]]), np.tile([[w * 0.45, h * 0.4]], (1, 5, 1))
                      + np.array([[[-w * 0.05, 0], [w * 0.05, 0], [0, 0], [0, 0], [0, 0]]])) for w, h in sizes]

    async def crop_signals(self, crops, crop_meta):
        frames = [int(crop[0, 0, 0]) for crop in crops]  # each frame is one grey level: its number
        self.landmarked += frames
        return [CropSignals((0.05, 0.05) if 12 <= f <= 14 else (0.25, 0.25), 1.0, -2.0) for f in frames]


def test_screening_detects_at_the_detector_size_and_refines_around_the_blink():
    frames = [np.full((360, 640, 3), i, dtype=np.uint8) for i in range(30)]
    fake = FakeEnsembles()
    result = asyncio.run(screen_frames(frames, fake, VideoSettings(detect_every=3, screen_batch=8), CONFIG))
    assert fake.detected_sizes == [(320, 180)] * 11  # frames 0, 3, ..., 27 and 29
    assert sorted(fake.landmarked) == sorted({*range(0, 30, 3), 29, 10, 11, 13, 14})  # 15 is open again
    assert len(fake.landmarked) == len(set(fake.landmarked))
    measured = np.isfinite(result.eye_opening)
    assert measured.sum() == len(fake.landmarked) and result.eye_opening[13] == pytest.approx(0.05)
    assert np.allclose(result.yaw_deg[measured], 1.0)
    candidates = result.match_candidates(CONFIG.match_frames)  # sharpness only ranks these: measured on them only
    assert len(candidates) == 3 * CONFIG.match_frames and 13 not in candidates
    assert np.array_equal(np.flatnonzero(np.isfinite(result.sharpness)), np.sort(candidates))
    assert sorted(result.signals) == sorted(fake.landmarked) and sorted(result.detections) == [*range(0, 30, 3), 29]
