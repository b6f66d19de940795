import numpy as np
import pytest

from python_backends.alignment.affine import Affine


def test_similarity_rotates_clockwise_on_screen_and_scales():
    quarter_turn = Affine.similarity(2.0, np.pi / 2, (10.0, 0.0))
    # x axis (right) goes to y axis (down) at twice the length, then shifted right by 10
    np.testing.assert_allclose(quarter_turn.apply([[1.0, 0.0]]), [[10.0, 2.0]], atol=1e-12)
    assert quarter_turn.scale == pytest.approx(2.0)


def test_inverse_round_trip():
    rng = np.random.default_rng(0)
    transform = Affine(rng.normal(size=(2, 3)) + np.eye(2, 3) * 3)
    points = rng.uniform(-50, 50, size=(20, 2))
    np.testing.assert_allclose(transform.inverse().apply(transform.apply(points)), points, atol=1e-9)
    np.testing.assert_allclose(transform.inverse().inverse().matrix, transform.matrix, atol=1e-9)


@pytest.mark.parametrize("matrix", [np.eye(3), np.full((2, 3), np.nan)])
def test_rejects_non_affine_matrices(matrix):
    with pytest.raises(ValueError):
        Affine(matrix)


def test_inverse_is_numpy_s_and_refuses_a_singular_transform():
    transform = Affine(np.array([[0.8, -0.3, 40.0], [0.25, 1.1, -12.0]]))
    linear = np.linalg.inv(transform.matrix[:, :2])
    np.testing.assert_allclose(transform.inverse().matrix, np.hstack([linear, -linear @ transform.matrix[:, 2:]]),
                               rtol=1e-12)
    with pytest.raises(np.linalg.LinAlgError):
        Affine(np.array([[1.0, 2.0, 0.0], [2.0, 4.0, 5.0]])).inverse()
