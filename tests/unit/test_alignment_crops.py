import math

import numpy as np
import pytest

from python_backends.alignment.crops import SquareCrop, antispoof_crop, eye_line_angle, landmarker_crop

BOX = np.array([100.0, 50.0, 200.0, 200.0])  # 100 x 150, centre (150, 125)


def _landmarks(angle: float) -> np.ndarray:
    """5 points of a face centred at (150, 125), eye line at `angle` in the image."""
    upright = np.array([[-20.0, -20.0], [20.0, -20.0], [0.0, 0.0], [-15.0, 20.0], [15.0, 20.0]])
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    return upright @ rotation.T + [150.0, 125.0]


def test_landmarker_crop_is_square_around_box_and_levels_the_eyes():
    crop = landmarker_crop(BOX, _landmarks(0.5), scale=1.5)
    assert crop.side == pytest.approx(225.0) and crop.center == (150.0, 125.0)
    to_crop = crop.transform(192)
    np.testing.assert_allclose(to_crop.apply([150.0, 125.0]), [96.0, 96.0], atol=1e-9)
    eyes = to_crop.apply(_landmarks(0.5)[:2])
    assert eyes[0, 1] == pytest.approx(eyes[1, 1]) and eyes[0, 0] < eyes[1, 0]  # level, left to right
    assert to_crop.scale == pytest.approx(192 / 225)


def test_upside_down_face_is_turned_upright():
    to_crop = landmarker_crop(BOX, _landmarks(math.pi), scale=1.0).transform(100)
    points = to_crop.apply(_landmarks(math.pi))
    assert points[0, 0] < points[1, 0] and points[2, 1] < points[3, 1]  # eyes left-to-right, mouth below nose


def test_crop_corners_round_trip():
    transform = SquareCrop((30.0, 40.0), 80.0, 0.25).transform(256)
    corners = np.array([[0.0, 0.0], [256.0, 0.0], [256.0, 256.0], [0.0, 256.0]])
    image_corners = transform.inverse().apply(corners)
    np.testing.assert_allclose(np.linalg.norm(image_corners[1] - image_corners[0]), 80.0)
    np.testing.assert_allclose(transform.apply(image_corners), corners, atol=1e-9)


def test_antispoof_crop_is_upright_square_on_longer_side():
    to_crop = antispoof_crop(BOX).transform(256)
    np.testing.assert_allclose(to_crop.apply([[150.0, 50.0], [150.0, 200.0]]), [[128.0, 0.0], [128.0, 256.0]], atol=1e-9)


@pytest.mark.parametrize("box", [[0, 0, 0, 10], [5, 5, 1, 10], [0, 0, np.nan, 10]])
def test_rejects_empty_boxes(box):
    with pytest.raises(ValueError):
        antispoof_crop(np.array(box, dtype=float))


def test_eye_line_angle():
    assert eye_line_angle(_landmarks(0.3)) == pytest.approx(0.3)
