import numpy as np
import pytest

from python_backends.detection.letterbox import META_SIZE, Letterbox

BOX = Letterbox(image_h=1137, image_w=910, scaled_h=320, scaled_w=256, input_size=320)


def test_points_round_trip_between_image_and_input():
    points = np.array([[0, 0], [910, 1137], [455.5, 12.25]], np.float32)
    assert np.allclose(BOX.to_image(BOX.to_input(points)), points, atol=1e-3)


def test_scale_is_per_axis():
    assert np.allclose(BOX.to_input(np.array([910, 1137], np.float32)), [256, 320])


def test_meta_round_trip():
    meta = BOX.to_meta()
    assert meta.shape == (META_SIZE,) and meta.dtype == np.float32
    assert Letterbox.from_meta(meta) == BOX


@pytest.mark.parametrize("meta", [[1, 2, 3], [0, 910, 320, 256, 320], [1137, 910, 330, 256, 320]])
def test_rejects_bad_meta(meta):
    with pytest.raises(ValueError):
        Letterbox.from_meta(np.array(meta, np.float32))
