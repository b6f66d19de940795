import numpy as np

from python_backends.imaging.input_spec import ANTISPOOF_INPUT, EMBEDDER_INPUT
from tests.unit.sharpness_reference import face_sharpness


def normalised(grey_images, spec):
    rgb = np.repeat(np.asarray(grey_images, np.float32)[:, None], 3, axis=1)
    return (rgb - np.asarray(spec.mean, np.float32)[:, None, None]) / np.asarray(spec.std, np.float32)[:, None, None]


def test_flat_is_zero_and_edges_are_sharper_than_ramps():
    flat = np.full((32, 32), 128.0)
    ramp = np.tile(np.linspace(0, 255, 32), (32, 1))
    checker = (np.indices((32, 32)).sum(axis=0) % 2) * 255.0
    scores = face_sharpness(normalised([flat, ramp, checker], ANTISPOOF_INPUT), ANTISPOOF_INPUT)
    assert scores.shape == (3, 1) and scores.dtype == np.float32
    assert scores[0, 0] == 0 and scores[1, 0] < 1e-3 < scores[2, 0]


def test_the_input_normalisation_is_undone():
    checker = (np.indices((16, 16)).sum(axis=0) % 2) * 255.0
    a = face_sharpness(normalised([checker], ANTISPOOF_INPUT), ANTISPOOF_INPUT)
    b = face_sharpness(normalised([checker], EMBEDDER_INPUT), EMBEDDER_INPUT)
    assert a[0, 0] == np.float32(b[0, 0]) or abs(a[0, 0] - b[0, 0]) / a[0, 0] < 1e-4
