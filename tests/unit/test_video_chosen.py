"""The chosen frames' faces and signals from screening's measurements (chosen.py, crops.py)."""

from __future__ import annotations

import asyncio
import io

import numpy as np
import pytest
from PIL import Image

from facegate import testdata
from python_backends.imaging import DecodeSettings
from python_backends.liveness.placement import face_placements
from python_backends.liveness.preprocess import LivenessPreprocessor
from python_backends.liveness.sharpness import crop_sharpness
from python_backends.verify.ensembles import CropSignals, Faces
from python_backends.video.chosen import chosen_measurements
from python_backends.video.crops import antispoof_sharpness
from python_backends.video.screening import SCREEN_CROPS, FrameScreen

BOX = np.array([[350.0, 200.0, 560.0, 500.0]])
LANDMARKS = np.array([[[400.0, 300.0], [500.0, 320.0], [450.0, 370.0], [410.0, 420.0], [490.0, 435.0]]])


def test_antispoof_sharpness_cut_here_is_liveness_preprocess_s():
    """The decision's blur gates were calibrated on liveness_preprocess's SHARPNESS: the figure from the
    crop cut here must stay on that scale (both bilinear; their pixel-centre details differ a little)."""
    for name in ("obama", "biden"):
        blob = testdata.read(name)
        rgb = np.asarray(Image.open(io.BytesIO(blob)).convert("RGB"))
        ours = antispoof_sharpness([rgb], BOX, LANDMARKS, SCREEN_CROPS)
        preprocessor = LivenessPreprocessor(SCREEN_CROPS, DecodeSettings(max_batch_size=1))
        _, antispoof, _ = preprocessor.run([(blob, face_placements(BOX, LANDMARKS, SCREEN_CROPS)[0])])
        theirs = crop_sharpness(antispoof)
        assert ours.shape == (1,) and ours[0] == pytest.approx(theirs[0], rel=0.01), name


def face(x: float) -> Faces:
    return Faces(np.array([[x, 100.0, x + 200, 340.0]]), np.tile([[x + 100, 200.0]], (1, 5, 1))
                 + np.array([[[-40, 0], [40, 0], [0, 30], [-30, 70], [30, 70]]]))


class FakeEnsembles:
    def __init__(self):
        self.detected, self.landmarked = 0, 0

    async def detect(self, images):
        self.detected += len(images)
        return [face(100.0) for _ in images]  # at the detector's reduced size: screening scales it back

    async def crop_signals(self, crops, crop_meta):
        self.landmarked += len(crops)
        return [CropSignals((0.3, 0.2), 4.0, -1.0) for _ in crops]


def test_the_chosen_frames_reuse_screening_s_detections_and_landmarks():
    frames = [np.random.default_rng(i).integers(0, 255, (360, 640, 3), dtype=np.uint8) for i in range(8)]
    screen = FrameScreen(np.ones(8, int), *(np.full(8, np.nan) for _ in range(4)),
                         detections={0: face(200.0), 6: Faces(np.zeros((0, 4)), np.zeros((0, 5, 2)))},
                         signals={0: CropSignals((0.25, 0.25), 1.0, 2.0), 3: CropSignals((0.1, 0.1), -3.0, 0.0)})
    fake = FakeEnsembles()
    faces, signals = asyncio.run(chosen_measurements(frames, [0, 3, 5, 6], screen, fake, batch=32))
    assert fake.detected == 2  # frames 3 and 5: screening interpolated their faces
    assert fake.landmarked == 1  # frame 5: screening never landmarked it
    assert [f.count for f in faces] == [1, 1, 1, 0] and faces[0].boxes[0, 0] == 200.0
    assert faces[1].boxes[0, 0] == pytest.approx(200.0)  # 100 px on the 320x180 copy
    assert [(s.eye_opening, s.yaw_deg) for s in signals[:3]] == [((0.25, 0.25), 1.0), ((0.1, 0.1), -3.0),
                                                                  ((0.3, 0.2), 4.0)]
    assert signals[3] is None and all(s.sharpness > 100 for s in signals[:3])  # noise: a very sharp crop
