import numpy as np
import pytest

from facegate.model_build import compare


def test_tolerance_is_relative_to_output_scale():
    reference = {"big": np.array([[100.0, -200.0]]), "small": np.array([[0.5, 0.25]])}
    got = {"big": np.array([[100.1, -200.0]]), "small": np.array([[0.5, 0.252]])}
    results = {c.output: c for c in compare.compare(got, reference)}
    assert results["big"].ok and results["big"].tolerance == pytest.approx(0.2)
    assert not results["small"].ok
    with pytest.raises(compare.CheckFailed, match="small"):
        compare.require(list(results.values()), "model")


def test_shape_mismatch_fails():
    with pytest.raises(compare.CheckFailed):
        compare.compare({"y": np.zeros((2, 3))}, {"y": np.zeros((3, 2))})


def test_batch_vs_single_catches_a_batch_dependent_model():
    inputs = np.arange(8, dtype=np.float32).reshape(4, 2)
    assert all(c.ok for c in compare.batch_vs_single(lambda x: {"y": x * 2}, inputs))
    mixes_batch = compare.batch_vs_single(lambda x: {"y": x - x.mean(axis=0)}, inputs)
    assert not all(c.ok for c in mixes_batch)


def test_summary_keeps_worst_per_output():
    first = compare.compare({"y": np.array([1.0])}, {"y": np.array([1.5])})
    second = compare.compare({"y": np.array([1.0])}, {"y": np.array([1.1])})
    assert compare.summary(first + second) == {"y": pytest.approx(0.5)}
