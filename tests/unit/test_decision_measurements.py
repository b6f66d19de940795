import pytest

from python_backends.decision.measurements import Box, FrameMeasurement, IdPhotoMeasurement, LiveFace


def test_face_size_is_the_shorter_box_side():
    assert Box(10, 20, 110, 260).size_px == 100


def test_face_fields_must_agree_with_the_face_count():
    face = LiveFace(Box(0, 0, 100, 100), 50.0, (0.3, 0.3), 0.0, 0.0, 0.1)
    FrameMeasurement(2, face)
    FrameMeasurement(0)
    with pytest.raises(ValueError):
        FrameMeasurement(1)
    with pytest.raises(ValueError):
        FrameMeasurement(0, face)
    with pytest.raises(ValueError):
        IdPhotoMeasurement(1)
    with pytest.raises(ValueError):
        IdPhotoMeasurement(0, Box(0, 0, 1, 1))
