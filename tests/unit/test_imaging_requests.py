import numpy as np
import pytest

from python_backends.errors import triton_answer
from python_backends.imaging.errors import InvalidImagesError
from python_backends.imaging.requests import run_grouped, run_requests


def _double_unless_negative(samples: list[int]) -> tuple[np.ndarray, ...]:
    bad = {i: "negative" for i, s in enumerate(samples) if s < 0}
    if bad:
        raise InvalidImagesError(bad)
    values = np.array(samples)
    return values * 2, values + 1


def test_splits_batched_outputs_back_per_group():
    results = run_grouped([[1, 2], [3], [4, 5, 6]], _double_unless_negative)
    assert [r[0].tolist() for r in results] == [[2, 4], [6], [8, 10, 12]]
    assert [r[1].tolist() for r in results] == [[2, 3], [4], [5, 6, 7]]


def test_bad_sample_fails_only_its_group_with_a_group_relative_index():
    results = run_grouped([[1, 2], [3, -1, -2], [4]], _double_unless_negative)
    assert isinstance(results[1], InvalidImagesError)
    assert results[1].problems == {1: "negative", 2: "negative"}
    assert results[0][0].tolist() == [2, 4] and results[2][0].tolist() == [8]


def test_empty_group_is_an_error():
    results = run_grouped([[], [1]], _double_unless_negative)
    assert isinstance(results[0], InvalidImagesError) and results[1][0].tolist() == [2]


def test_error_not_attributable_to_any_group_is_raised():
    def broken(samples):
        raise InvalidImagesError({99: "?"})

    with pytest.raises(InvalidImagesError):
        run_grouped([[1]], broken)


def test_bad_requests_fail_alone_and_good_ones_are_split_back():
    def samples_of(request):
        if request == "bad tensor":
            raise ValueError("LANDMARKS must be finite")
        return list(request)

    def run(samples):
        bad = {i: "corrupt" for i, sample in enumerate(samples) if sample < 0}
        if bad:
            raise InvalidImagesError(bad)
        return (np.array(samples) * 10,)

    results = run_requests([(1, 2), "bad tensor", (3, -1), (4,)], samples_of, run)
    np.testing.assert_array_equal(results[0][0], [10, 20])
    assert triton_answer(results[1]) == triton_answer(ValueError("LANDMARKS must be finite"))
    assert isinstance(results[2], InvalidImagesError) and results[2].problems == {1: "corrupt"}
    assert triton_answer(results[2]).message == "IMAGE: image 1: corrupt"
    np.testing.assert_array_equal(results[3][0], [40])
