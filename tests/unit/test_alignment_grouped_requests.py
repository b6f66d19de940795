import numpy as np

from python_backends.alignment.grouped_requests import run_requests
from python_backends.errors import triton_answer
from python_backends.imaging import InvalidImagesError


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
