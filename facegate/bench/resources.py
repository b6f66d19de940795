"""CPU time and peak memory of a running server, per process (tritonserver and each Python-backend
model instance), sampled with psutil while a measurement runs."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import psutil

_STUB = "triton_python_backend_stub"
_INSTANCE_ARG = 8  # stub arguments: model.py, shm region, 2 sizes, parent pid, backend dir, ipc size, instance, ...


def instance_name(process: psutil.Process) -> str:
    """'face_detector_0_0' for a model instance's stub process, else the executable's name."""
    try:
        args = process.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return "?"
    if args and args[0].endswith(_STUB) and len(args) > _INSTANCE_ARG:
        return args[_INSTANCE_ARG]
    return process.name()


@dataclass(frozen=True)
class ProcessUsage:
    name: str
    cpu_s: float
    peak_rss_mb: float


class ResourceSampler:
    """`with ResourceSampler(pid) as sampler: ...`, then `sampler.usage()`: CPU seconds spent inside the
    block and peak resident memory per process of the tree rooted at `pid`."""

    def __init__(self, pid: int, interval_s: float = 0.25):
        self._root, self._interval = psutil.Process(pid), interval_s
        self._start: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._peak: dict[int, float] = {}
        self._names: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _processes(self) -> list[psutil.Process]:
        return [self._root, *self._root.children(recursive=True)]

    def _sample(self) -> None:
        for process in self._processes():
            try:
                with process.oneshot():
                    times, rss = process.cpu_times(), process.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            pid = process.pid
            if pid not in self._names:
                self._names[pid] = instance_name(process)
            cpu = times.user + times.system
            self._start.setdefault(pid, cpu)
            self._last[pid] = cpu
            self._peak[pid] = max(self._peak.get(pid, 0.0), rss / 2**20)

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            self._sample()

    def __enter__(self) -> ResourceSampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def usage(self) -> list[ProcessUsage]:
        return sorted((ProcessUsage(self._names[pid], self._last[pid] - self._start[pid], self._peak[pid])
                       for pid in self._names), key=lambda usage: usage.name)

    def total_cpu_s(self) -> float:
        return sum(usage.cpu_s for usage in self.usage())
