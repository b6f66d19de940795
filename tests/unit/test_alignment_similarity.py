import numpy as np
import pytest

from python_backends.alignment.affine import Affine
from python_backends.alignment.similarity import estimate_similarity


@pytest.mark.parametrize("scale, angle", [(1.0, 0.0), (0.37, 0.8), (3.2, -2.9), (1.5, np.pi)])
def test_recovers_known_similarity(scale, angle):
    rng = np.random.default_rng(1)
    src = rng.uniform(0, 200, size=(5, 2))
    truth = Affine.similarity(scale, angle, (13.0, -41.0))
    found = estimate_similarity(src, truth.apply(src))
    np.testing.assert_allclose(found.matrix, truth.matrix, atol=1e-9)


def test_least_squares_under_noise_is_close_and_never_reflects():
    rng = np.random.default_rng(2)
    src = rng.uniform(0, 100, size=(50, 2))
    truth = Affine.similarity(1.7, 0.4, (5.0, 6.0))
    found = estimate_similarity(src, truth.apply(src) + rng.normal(scale=0.5, size=src.shape))
    np.testing.assert_allclose(found.matrix[:, :2], truth.matrix[:, :2], atol=0.01)
    np.testing.assert_allclose(found.matrix[:, 2], truth.matrix[:, 2], atol=0.3)
    mirrored = src * [-1, 1]  # best fit to a mirror image is still a proper rotation
    assert np.linalg.det(estimate_similarity(src, mirrored).matrix[:, :2]) > 0


@pytest.mark.parametrize("src, dst", [(np.zeros((5, 2)), np.ones((5, 2))), (np.ones((5, 2)), np.ones((4, 2))),
                                      (np.full((5, 2), np.inf), np.ones((5, 2)))])
def test_rejects_degenerate_input(src, dst):
    with pytest.raises(ValueError):
        estimate_similarity(src, dst)
