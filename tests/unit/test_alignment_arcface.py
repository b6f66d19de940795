import numpy as np
import pytest

from python_backends.alignment.affine import Affine
from python_backends.alignment.arcface import ARCFACE_112, arcface_transform


def test_face_on_the_template_maps_exactly_and_back():
    # a face that is the template rotated, scaled and shifted in the image
    placed = Affine.similarity(2.5, -0.3, (300.0, 120.0))
    landmarks = placed.apply(ARCFACE_112)
    to_crop = arcface_transform(landmarks)
    np.testing.assert_allclose(to_crop.apply(landmarks), ARCFACE_112, atol=1e-9)
    np.testing.assert_allclose(to_crop.inverse().matrix, placed.matrix, atol=1e-9)
    assert to_crop.scale == pytest.approx(1 / 2.5)


def test_template_scales_with_crop_size():
    landmarks = ARCFACE_112 + 40
    np.testing.assert_allclose(arcface_transform(landmarks, 224).apply(landmarks), ARCFACE_112 * 2, atol=1e-9)


def test_rejects_wrong_point_count():
    with pytest.raises(ValueError):
        arcface_transform(np.zeros((4, 2)))
