import numpy as np

from facegate.model_build import face_crops
from python_backends.alignment.arcface import ARCFACE_112
from python_backends.detection.faces import Face


def test_letterbox_keeps_aspect_and_pads_with_the_detector_mean():
    rgb = np.full((300, 100, 3), 255, np.uint8)
    canvas, placed = face_crops.letterbox(rgb, 64)
    assert canvas.shape == (64, 64, 3)
    assert (placed.scaled_h, placed.scaled_w, placed.input_size) == (64, 21, 64)
    assert (canvas[:, :21] == 255).all() and (canvas[:, 21:] == [127, 117, 104]).all()  # BGR mean as RGB
    np.testing.assert_allclose(placed.to_image(np.array([21.0, 64.0])), [100, 300])


def test_aligned_crop_of_template_landmarks_is_identity():
    rgb = np.random.default_rng(0).integers(0, 255, (112, 112, 3), dtype=np.uint8)
    crop = face_crops.aligned_crop(rgb, ARCFACE_112, 112)
    assert np.abs(crop[2:-2, 2:-2].astype(int) - rgb[2:-2, 2:-2]).max() <= 1


def test_upright_crop_rotates_a_tilted_face_upright():
    rgb = np.zeros((200, 200, 3), np.uint8)
    rgb[:, 100:] = 255  # right half white
    face = Face(np.array([50.0, 50.0, 150.0, 150.0]), 1.0,
                np.array([[100, 80], [100, 120], [100, 100], [90, 130], [110, 130]], float))
    crop = face_crops.upright_crop(rgb, face, 64, scale=1.0)  # eyes stacked vertically: a 90 deg roll
    assert crop[:20].mean() > 200 and crop[-20:].mean() < 50  # white half now on top


def test_square_crop_is_clipped_to_the_image():
    rgb = np.zeros((100, 100, 3), np.uint8)
    rgb[:50] = 255  # top half white
    crop = face_crops.square_crop(rgb, np.array([20.0, 40.0, 80.0, 120.0]), 32)  # 80 px square, bottom past the image
    assert crop.shape == (32, 32, 3) and crop[:2].mean() == 255 and crop[-2:].mean() == 0
