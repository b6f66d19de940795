"""The idle arena trim: one shrinking one-item run per stretch of work, once the instance is idle."""

from __future__ import annotations

import time

import numpy as np

from python_backends.ort.arena_trim import ARENA_SHRINKAGE, PROBE_SIDE, IdleArenaTrim, probe_inputs
from python_backends.ort.model_config import OrtModelConfig, TensorSpec


def _config(max_batch_size: int) -> OrtModelConfig:
    return OrtModelConfig("m", max_batch_size, (TensorSpec("input", np.dtype(np.float32), (3, -1, -1)),
                                                TensorSpec("mask", np.dtype(np.uint8), (4,))),
                          (), "model.onnx", 1, 0)


def test_probe_inputs_are_one_item_with_dynamic_dimensions_filled():
    probe = probe_inputs(_config(64))
    assert probe["input"].shape == (1, 3, PROBE_SIDE, PROBE_SIDE) and probe["input"].dtype == np.float32
    assert probe["mask"].shape == (1, 4) and probe["mask"].dtype == np.uint8
    assert probe_inputs(_config(0))["input"].shape == (3, PROBE_SIDE, PROBE_SIDE)


def _wait_for(condition, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_trims_once_after_work_when_idle_and_not_while_busy():
    runs = []
    trim = IdleArenaTrim(lambda feeds, options: runs.append(options.get_run_config_entry(ARENA_SHRINKAGE)),
                         {"input": np.zeros(1)}, on_error=lambda error: None, idle_s=0.2)
    try:
        time.sleep(0.4)
        assert runs == [], "no trim before any work"
        busy_until = time.monotonic() + 0.6
        while time.monotonic() < busy_until:  # work every 0.05 s: never idle for 0.2 s
            trim.ran()
            time.sleep(0.05)
        assert runs == []
        _wait_for(lambda: runs)
        time.sleep(0.4)
        assert runs == ["cpu:0"], "one shrinking run per stretch of work"
        trim.ran()
        _wait_for(lambda: len(runs) == 2)
        assert runs == ["cpu:0", "cpu:0"]
    finally:
        trim.close()


def test_a_failing_trim_is_reported_and_the_next_work_tries_again():
    errors = []

    def fail(feeds, options):
        raise RuntimeError("no")

    trim = IdleArenaTrim(fail, {}, on_error=errors.append, idle_s=0.05)
    try:
        trim.ran()
        _wait_for(lambda: errors)
        trim.ran()
        _wait_for(lambda: len(errors) == 2)
        assert [str(error) for error in errors] == ["no", "no"] and trim.trims == 0
    finally:
        trim.close()
