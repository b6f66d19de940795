import numpy as np

from python_backends.detection.decode import decode_boxes, decode_landmarks

VARIANCES = (0.1, 0.2)
PRIOR = np.array([100.0, 60.0, 32.0, 32.0], np.float32)  # cx, cy, w, h


def encode_box(box: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """The regression a perfect detector outputs for `box` (x1, y1, x2, y2) at `prior`."""
    centre, size = (box[:2] + box[2:]) / 2, box[2:] - box[:2]
    return np.concatenate([(centre - prior[:2]) / (VARIANCES[0] * prior[2:]), np.log(size / prior[2:]) / VARIANCES[1]])


def test_decodes_a_known_box():
    box = np.array([90.0, 40.0, 118.0, 84.0])
    assert np.allclose(decode_boxes(encode_box(box, PRIOR), PRIOR, VARIANCES), box, atol=1e-4)


def test_zero_offsets_give_the_prior():
    assert np.allclose(decode_boxes(np.zeros(4), PRIOR, VARIANCES), [84, 44, 116, 76])


def test_decodes_landmarks_relative_to_the_prior_centre():
    points = np.array([[95, 55], [105, 55], [100, 62], [96, 70], [104, 70]], np.float32)
    offsets = ((points - PRIOR[:2]) / (VARIANCES[0] * PRIOR[2:])).reshape(10)
    assert np.allclose(decode_landmarks(offsets, PRIOR, VARIANCES), points, atol=1e-4)


def test_broadcasts_over_batch_and_priors():
    priors = np.stack([PRIOR, PRIOR + [10, 0, 0, 0]])
    loc = np.zeros((3, 2, 4), np.float32)
    assert decode_boxes(loc, priors, VARIANCES).shape == (3, 2, 4)
    assert decode_landmarks(np.zeros((3, 2, 10)), priors, VARIANCES).shape == (3, 2, 5, 2)
