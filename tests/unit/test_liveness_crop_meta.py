import numpy as np
import pytest

from python_backends.alignment.affine import Affine
from python_backends.liveness.crop_meta import CROP_META_SIZE, CropMeta


def test_array_round_trip_and_points_back_to_image():
    crop_to_image = Affine.similarity(2.0, 0.5, (100.0, 50.0))
    meta = CropMeta.from_array(CropMeta(crop_to_image).to_array())
    points = np.array([[10.0, 20.0, -4.0], [0.0, 0.0, 3.0]])
    image = meta.points_to_image(points)
    np.testing.assert_allclose(image[:, :2], crop_to_image.apply(points[:, :2]), atol=1e-4)
    np.testing.assert_allclose(image[:, 2], points[:, 2] * 2.0, atol=1e-5)


def test_rejects_wrong_size():
    with pytest.raises(ValueError):
        CropMeta.from_array(np.zeros(CROP_META_SIZE + 1))
