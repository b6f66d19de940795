import math

import numpy as np

from facegate.models import face_crops


def test_anchor_count_and_first_anchor():
    priors = face_crops.anchors(640, 640)
    assert len(priors) == sum(math.ceil(640 / s) ** 2 * 2 for s in (8, 16, 32))
    np.testing.assert_allclose(priors[0], [4 / 640, 4 / 640, 16 / 640, 16 / 640])
    np.testing.assert_allclose(priors[1], [4 / 640, 4 / 640, 32 / 640, 32 / 640])


def test_decode_zero_offsets_gives_the_anchor_box_in_image_pixels():
    count = len(face_crops.anchors(640, 640))
    conf = np.zeros((count, 2), np.float32)
    conf[1] = [0.0, 0.99]
    faces = face_crops.decode(np.zeros((count, 4), np.float32), conf, np.zeros((count, 10), np.float32), 640, 0.5)
    assert len(faces) == 1
    np.testing.assert_allclose(faces[0].box, [-24, -24, 40, 40], atol=1e-4)  # 32 px anchor at (4,4), / scale 0.5
    np.testing.assert_allclose(faces[0].landmarks, np.full((5, 2), 8.0), atol=1e-4)


def test_nms_keeps_one_of_two_overlapping_faces():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]], np.float32)
    assert face_crops._nms(boxes, np.array([0.95, 0.99, 0.9])) == [1, 2]


def test_similarity_recovers_a_known_transform():
    angle, scale, shift = 0.3, 1.7, np.array([5.0, -3.0])
    rotation = scale * np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    src = face_crops.ARCFACE_112
    matrix = face_crops.similarity_to(src, src @ rotation.T + shift)
    np.testing.assert_allclose(matrix, np.column_stack([rotation, shift]), atol=1e-9)


def test_aligned_crop_of_template_landmarks_is_identity():
    rgb = np.random.default_rng(0).integers(0, 255, (112, 112, 3), dtype=np.uint8)
    crop = face_crops.aligned_crop(rgb, face_crops.ARCFACE_112, 112)
    assert np.abs(crop[2:-2, 2:-2].astype(int) - rgb[2:-2, 2:-2]).max() <= 1


def test_upright_crop_rotates_a_tilted_face_upright():
    rgb = np.zeros((200, 200, 3), np.uint8)
    rgb[:, 100:] = 255  # right half white
    face = face_crops.Face(np.array([50.0, 50.0, 150.0, 150.0]), 1.0,
                           np.array([[100, 80], [100, 120], [100, 100], [90, 130], [110, 130]], float))
    crop = face_crops.upright_crop(rgb, face, 64, scale=1.0)  # eyes stacked vertically: a 90 deg roll
    assert crop[:20].mean() > 200 and crop[-20:].mean() < 50  # white half now on top
