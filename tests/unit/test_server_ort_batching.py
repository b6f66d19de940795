import numpy as np
import pytest

from python_backends.errors import InternalFault
from python_backends.ort.batching import execute_batched, input_error, merge, split
from python_backends.ort.model_config import OrtModelConfig, TensorSpec


def affine_config(max_batch_size=8, dims=(4,)):
    return OrtModelConfig(
        name="affine",
        max_batch_size=max_batch_size,
        inputs=(TensorSpec("input", np.dtype(np.float32), dims),),
        outputs=(TensorSpec("output", np.dtype(np.float32), dims),),
        model_filename="model.onnx",
        intra_op_threads=0,
        inter_op_threads=0,
    )


class RecordingAffine:
    """y = 2x + 1 over whatever batch it gets; refuses rows of width 5, like a model with a fixed width."""

    def __init__(self):
        self.batch_sizes = []

    def __call__(self, feeds):
        x = feeds["input"]
        if x.shape[-1] == 5:
            raise RuntimeError("Got invalid dimensions for input: input")
        self.batch_sizes.append(x.shape[0])
        return {"output": x * 2 + 1}


def request(rows, width=4, seed=0):
    return {"input": np.random.default_rng(seed).normal(size=(rows, width)).astype(np.float32)}


def test_merge_and_split_round_trip_in_request_order():
    requests = [request(1, seed=1), request(3, seed=2), request(2, seed=3)]
    merged = merge(requests)
    assert merged["input"].shape == (6, 4)
    pieces = split(merged, [1, 3, 2])
    for piece, original in zip(pieces, requests):
        np.testing.assert_array_equal(piece["input"], original["input"])


def test_split_refuses_outputs_without_the_batch_dimension():
    with pytest.raises(ValueError, match="batch dimension should be 3"):
        split({"output": np.zeros((2, 4))}, [1, 2])


def test_requests_of_one_shape_run_once_and_each_gets_its_own_rows():
    run = RecordingAffine()
    requests = [request(1, seed=1), request(3, seed=2), request(2, seed=3)]
    results = execute_batched(requests, affine_config(), run)
    assert run.batch_sizes == [6]
    for result, sent in zip(results, requests):
        np.testing.assert_allclose(result["output"], sent["input"] * 2 + 1)


def test_a_request_the_model_refuses_fails_alone():
    run = RecordingAffine()
    requests = [request(2, seed=1), request(1, width=5), request(1, seed=2)]
    results = execute_batched(requests, affine_config(dims=(-1,)), run)
    assert isinstance(results[1], InternalFault) and "invalid dimensions" in str(results[1])
    np.testing.assert_allclose(results[0]["output"], requests[0]["input"] * 2 + 1)
    np.testing.assert_allclose(results[2]["output"], requests[2]["input"] * 2 + 1)
    assert run.batch_sizes == [3]  # the two good requests still ran together


def test_a_failing_merged_run_is_retried_request_by_request():
    calls = []

    def fails_on_batches_over_two(feeds):
        calls.append(feeds["input"].shape[0])
        if feeds["input"].shape[0] > 2:
            raise RuntimeError("out of memory")
        return {"output": feeds["input"] * 2 + 1}

    results = execute_batched([request(2), request(1), request(3)], affine_config(), fails_on_batches_over_two)
    assert calls == [6, 2, 1, 3]
    assert isinstance(results[0], dict) and isinstance(results[1], dict)
    assert isinstance(results[2], InternalFault) and "out of memory" in str(results[2])


def test_requests_that_do_not_fit_the_config_never_reach_the_model():
    run = RecordingAffine()
    wrong_dtype = {"input": np.zeros((1, 4), np.float64)}
    results = execute_batched([{"input": None}, wrong_dtype, request(1, width=3)], affine_config(), run)
    assert all(isinstance(result, ValueError) for result in results)  # input faults: INVALID_ARG
    assert str(results[0]) == "input 'input' is missing"
    assert "float64" in str(results[1])
    assert str(results[2]) == "input 'input' has shape [1, 3], expected [-1, 4]"
    assert run.batch_sizes == []


def test_unbatched_models_run_each_request_as_sent():
    run = RecordingAffine()
    config = affine_config(max_batch_size=0, dims=(2, 4))
    results = execute_batched([request(2), request(2, seed=5)], config, run)
    assert run.batch_sizes == [2, 2]
    np.testing.assert_allclose(results[1]["output"], request(2, seed=5)["input"] * 2 + 1)
    assert input_error(request(3), config) == "input 'input' has shape [3, 4], expected [2, 4]"
