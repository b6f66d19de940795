import numpy as np
import pytest

from python_backends.detection.faces import DetectionParams, Face, find_faces, pack_faces
from python_backends.detection.letterbox import Letterbox
from python_backends.detection.priors import PriorSpec, prior_boxes

SPEC = PriorSpec()
LETTERBOX = Letterbox(image_h=400, image_w=640, scaled_h=200, scaled_w=320, input_size=320)  # scale 0.5
PRIORS = prior_boxes(SPEC, 320)


def _outputs():
    n = len(PRIORS)
    conf = np.zeros((n, 2), np.float32)
    conf[:, 0] = 1
    return np.zeros((n, 4), np.float32), conf, np.zeros((n, 10), np.float32)


def _place(outputs, prior_index: int, box_in_image, points_in_image, score: float) -> None:
    """Write the regression that decodes to the given image-space face at one prior."""
    loc, conf, landms = outputs
    prior = PRIORS[prior_index]
    box = np.asarray(box_in_image, np.float32) * 0.5
    centre, size = (box[:2] + box[2:]) / 2, box[2:] - box[:2]
    loc[prior_index] = np.concatenate([(centre - prior[:2]) / (0.1 * prior[2:]), np.log(size / prior[2:]) / 0.2])
    points = np.asarray(points_in_image, np.float32) * 0.5
    landms[prior_index] = ((points - prior[:2]) / (0.1 * prior[2:])).reshape(10)
    conf[prior_index] = [1 - score, score]


def _prior_at(cx: float, cy: float, side: float) -> int:
    return int(np.flatnonzero((PRIORS[:, 0] == cx) & (PRIORS[:, 1] == cy) & (PRIORS[:, 2] == side))[0])


FACE_BOX = [100, 80, 260, 280]
FACE_POINTS = [[140, 150], [220, 150], [180, 190], [150, 230], [210, 230]]


def test_finds_a_face_in_original_image_pixels():
    outputs = _outputs()
    _place(outputs, _prior_at(88, 88, 64), FACE_BOX, FACE_POINTS, 0.99)
    (face,) = find_faces(*outputs, LETTERBOX, DetectionParams())
    assert face.score == pytest.approx(0.99)
    assert np.allclose(face.box, FACE_BOX, atol=0.01)
    assert np.allclose(face.landmarks, FACE_POINTS, atol=0.01)


def test_duplicates_are_suppressed_and_weak_scores_ignored():
    outputs = _outputs()
    _place(outputs, _prior_at(88, 88, 64), FACE_BOX, FACE_POINTS, 0.97)
    _place(outputs, _prior_at(88, 88, 128), [104, 84, 262, 284], FACE_POINTS, 0.99)
    _place(outputs, _prior_at(248, 88, 64), [420, 80, 580, 280], FACE_POINTS, 0.5)
    faces = find_faces(*outputs, LETTERBOX, DetectionParams(score_threshold=0.9, nms_iou=0.4))
    assert [round(f.score, 2) for f in faces] == [0.99]
    assert len(find_faces(*outputs, LETTERBOX, DetectionParams(score_threshold=0.4))) == 2


def test_faces_below_the_minimum_size_are_dropped():
    outputs = _outputs()
    _place(outputs, _prior_at(44, 44, 16), [80, 80, 98, 100], FACE_POINTS, 0.99)  # 18 px wide
    assert find_faces(*outputs, LETTERBOX, DetectionParams(min_face_px=20)) == []
    assert len(find_faces(*outputs, LETTERBOX, DetectionParams(min_face_px=16))) == 1


def test_boxes_are_clipped_to_the_image():
    outputs = _outputs()
    _place(outputs, _prior_at(24, 24, 64), [-30, -20, 100, 120], FACE_POINTS, 0.99)
    (face,) = find_faces(*outputs, LETTERBOX, DetectionParams())
    assert np.allclose(face.box, [0, 0, 100, 120], atol=0.01)


def test_rejects_outputs_for_another_input_size():
    loc, conf, landms = _outputs()
    with pytest.raises(ValueError, match="4200 priors"):
        find_faces(loc[:-2], conf[:-2], landms[:-2], LETTERBOX, DetectionParams())


def test_params_from_parameters():
    params = DetectionParams.from_parameters({"score_threshold": "0.5", "nms_iou": "0.3", "min_face_px": "12"})
    assert params == DetectionParams(0.5, 0.3, 12.0)


def test_pack_pads_to_the_largest_face_count():
    face = Face(np.arange(4, dtype=np.float32), 0.9, np.ones((5, 2), np.float32))
    packed = pack_faces([[face], [], [face, face]])
    assert packed.boxes.shape == (3, 2, 4) and packed.scores.shape == (3, 2) and packed.landmarks.shape == (3, 2, 5, 2)
    assert packed.num_faces.tolist() == [[1], [0], [2]]
    assert packed.boxes[0, 0].tolist() == [0, 1, 2, 3] and not packed.boxes[0, 1].any() and not packed.scores[1].any()
    assert pack_faces([[], []]).boxes.shape == (2, 0, 4)
