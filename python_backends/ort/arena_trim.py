"""Giving ONNX Runtime's CPU arena back once a model instance goes idle.

The arena keeps the regions of the largest batch it ever ran (two verifications batched together
double it) for good. ONNX Runtime frees the regions no run is using at the end of a run made with
the `memory.enable_memory_arena_shrinkage` run option; asking for that on every run costs the
re-allocation each time (measured +12 % server CPU per verification), so it is asked once, on a one-item
run, when the instance has been idle for `idle_s` after work: 10 s, since after 1 s it came between the
stages of nearly every verification (+30 %); at 10 s the cost was not measurable
(docs/api.md#limits-and-memory).
"""

from __future__ import annotations

import threading
import time
from typing import Callable

import numpy as np
import onnxruntime as ort

from python_backends.ort.model_config import OrtModelConfig

ARENA_SHRINKAGE = "memory.enable_memory_arena_shrinkage"
IDLE_S = 10.0
PROBE_SIDE = 32
"""The size given to a dynamic (-1) dimension of the one-item run."""

ShrinkingRun = Callable[[dict[str, np.ndarray], ort.RunOptions], object]


def shrinking_run_options() -> ort.RunOptions:
    options = ort.RunOptions()
    options.add_run_config_entry(ARENA_SHRINKAGE, "cpu:0")
    return options


def probe_inputs(config: OrtModelConfig) -> dict[str, np.ndarray]:
    """The smallest inputs the config accepts: one item, dynamic dimensions PROBE_SIDE, zeros."""
    batch = (1,) if config.batched else ()
    return {spec.name: np.zeros(batch + tuple(d if d > 0 else PROBE_SIDE for d in spec.dims), spec.dtype)
            for spec in config.inputs}


class IdleArenaTrim:
    """`ran()` after each execute; a thread makes the shrinking one-item run once the instance has been
    idle for `idle_s` since the last one, then waits for the next work."""

    def __init__(self, run: ShrinkingRun, probe: dict[str, np.ndarray], on_error: Callable[[Exception], None],
                 idle_s: float = IDLE_S) -> None:
        self._run, self._probe, self._on_error, self._idle_s = run, probe, on_error, idle_s
        self._options = shrinking_run_options()
        self._last_work = time.monotonic()
        self._work = threading.Event()
        self._stopped = threading.Event()
        self.trims = 0
        self._thread = threading.Thread(target=self._loop, name="arena-trim", daemon=True)
        self._thread.start()

    def ran(self) -> None:
        self._last_work = time.monotonic()
        self._work.set()

    def close(self) -> None:
        self._stopped.set()
        self._work.set()
        self._thread.join()

    def _loop(self) -> None:
        while self._work.wait() and not self._stopped.is_set():
            while (idle_left := self._last_work + self._idle_s - time.monotonic()) > 0:
                if self._stopped.wait(idle_left):
                    return
            self._work.clear()  # work that ends from here on was not covered: it asks for another trim
            try:
                self._run(self._probe, self._options)
                self.trims += 1
            except Exception as error:  # noqa: BLE001 - a failed trim leaves the arena as it was; serving goes on
                self._on_error(error)
