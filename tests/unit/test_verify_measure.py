import numpy as np
import pytest

from python_backends.decision import DecisionConfig
from python_backends.verify.ensembles import Faces, FaceSignals
from python_backends.verify.measure import (
    frame_measurements,
    id_face_count,
    id_photo_measurement,
    identity_similarities,
    reference_embedding,
)

CONFIG = DecisionConfig()


def faces(*sizes):
    boxes = np.array([[10.0 * i, 0, 10.0 * i + s, s] for i, s in enumerate(sizes)]).reshape(-1, 4)
    return Faces(boxes, np.zeros((len(sizes), 5, 2)))


def signals(yaw=0.0, pitch=0.0, eyes=0.3):
    return FaceSignals((eyes, eyes), yaw, pitch, 40.0)


@pytest.mark.parametrize("sizes, counted", [((), 0), ((60,), 1), ((60, 55), 2), ((60, 25), 1), ((25, 60, 20), 1)])
def test_ghost_portrait_rule(sizes, counted):
    assert id_face_count(faces(*sizes), CONFIG) == counted


def test_largest_face_and_its_box():
    found = faces(40, 90, 60)
    assert found.largest() == 1 and found.box(1).size_px == 90


def unit(*angles_deg):
    radians = np.radians(angles_deg)
    return np.stack([np.cos(radians), np.sin(radians)], axis=1)


def test_identity_is_measured_against_the_clip_majority():
    embeddings = unit(0, 10, -10, 5, 90)  # four frames of one face, one of another
    medoid = 5  # nearest the rest of the majority
    assert identity_similarities(embeddings) == pytest.approx(np.cos(np.radians(np.array([0, 10, -10, 5, 90]) - medoid)))


def test_a_bad_first_frame_is_the_only_outlier():
    similarities = identity_similarities(unit(80, 0, 5, -5, 3, 2))
    assert similarities[0] < 0.4 and np.all(similarities[1:] > 0.9)


def test_identity_of_no_frames():
    assert identity_similarities(np.zeros((0, 2))).shape == (0,)


def test_reference_embedding_is_unit_length():
    assert np.linalg.norm(reference_embedding(np.array([[1.0, 0.0], [0.0, 1.0]]))) == pytest.approx(1.0)


def test_frame_measurements_keep_counts_and_the_largest_face():
    clip = [faces(), faces(80), faces(50, 90)]
    measured = frame_measurements(clip, {1: signals(yaw=4), 2: signals(yaw=7)}, {2: 0.1}, {1: 0.9})
    assert [m.face_count for m in measured] == [0, 1, 2]
    assert measured[0].face is None
    assert measured[1].face.identity_similarity == 0.9 and measured[1].face.yaw_deg == 4
    assert measured[1].face.spoof_score is None and measured[2].face.spoof_score == 0.1
    assert measured[2].face.box.size_px == 90 and measured[2].face.identity_similarity is None


def test_id_photo_measurement():
    assert id_photo_measurement(faces(), 0, None, None).box is None
    measured = id_photo_measurement(faces(70), 1, signals(), 0.7)
    assert measured.sharpness == 40.0 and measured.match_score == 0.7 and measured.box.size_px == 70
