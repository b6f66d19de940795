"""Giving back the shared memory a burst left in the Python backend's model processes.

Each Python model process has one shared-memory region that grows to the most tensor bytes it had in
flight and never shrinks (python_backend's SharedMemoryManager; freed blocks keep their tmpfs pages,
resident in the model process and in tritonserver, which maps every region). A model loaded again
starts with fresh regions. So once the server has answered nothing for `idle_s`, the launcher renews
each model one of whose processes holds more than `limit_mb` of shared pages (`ModelControl.renew`: the
old processes serve until the new ones are ready). Only when idle: a model that ensembles compose is
reloaded with them, and a call in flight through one of them then fails (measured, docs/api.md).
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from facegate.server.config import RecyclePolicy
from facegate.server.poller import Poller
from facegate.server.watchdog import ModelControl, model_of, stub_processes, timed
from python_backends.verify.reload_metrics import SHARED_MEMORY

POLL_S = 2.0


@dataclass(frozen=True)
class Renewal:
    model: str
    shared_mb: float
    """The most shared memory one of its processes held."""
    seconds: float
    error: str | None = None
    reason: ClassVar[str] = SHARED_MEMORY
    """The `reason` label it is counted under."""

    def describe(self) -> str:
        what = f"renewed in {self.seconds:.1f} s" if self.error is None else f"renewal failed: {self.error}"
        return f"model '{self.model}': a process held {self.shared_mb:.0f} MB of shared memory after a burst; {what}"


def shared_mb(pid: int) -> float:
    """The process's resident shared-memory pages (RssShmem), MB; 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("RssShmem:"):
                    return int(line.split()[1]) / 2**10
    except OSError:
        pass
    return 0.0


def answered_total(stats: dict) -> int:
    """Requests every model has answered (Triton's /v2/models/stats: successes and failures)."""
    return sum(model["inference_stats"][kind]["count"] for model in stats.get("model_stats", [])
               for kind in ("success", "fail") if kind in model.get("inference_stats", {}))


def oversized(shared: dict[str, float], limit_mb: float) -> dict[str, float]:
    """Model -> its largest process's shared MB, for the models over `limit_mb` (instance name -> MB in)."""
    largest: dict[str, float] = {}
    for instance, mb in shared.items():
        model = model_of(instance)
        largest[model] = max(largest.get(model, 0.0), mb)
    return {model: mb for model, mb in largest.items() if mb > limit_mb}


class ShmRecycler(Poller):
    def __init__(self, server: subprocess.Popen, control: ModelControl, on_renewal: Callable[[Renewal], None],
                 policy: RecyclePolicy = RecyclePolicy(), poll_s: float = POLL_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__("shm-recycler", poll_s)
        self._server, self._control, self._on_renewal = server, control, on_renewal
        self._policy, self._clock = policy, clock
        self._answered: int | None = None
        self._quiet_since = clock()
        self._renewed: set[str] = set()
        """Models renewed since the last traffic: never again before more (a limit below a fresh process's
        regions would otherwise reload it at every look)."""
        self.renewals: list[Renewal] = []

    def poll(self) -> bool:
        if self._server.poll() is not None:
            return False
        try:
            answered = answered_total(self._control.statistics())
        except (OSError, ValueError, KeyError):
            return True  # starting, stopping or busy: the next look
        now = self._clock()
        if self._answered is None or answered > self._answered:
            self._answered, self._quiet_since = answered, now
            self._renewed.clear()
            return True
        # A renewed model's statistics start again from 0: a drop is no traffic (taken for traffic, it
        # renewed the model again and again, while a call could be arriving).
        self._answered = answered
        if now - self._quiet_since < self._policy.idle_s:
            return True
        shared = {}
        for pid, instance in stub_processes(self._server.pid).items():
            shared[instance] = max(shared.get(instance, 0.0), shared_mb(pid))
        for model, mb in sorted(oversized(shared, self._policy.limit_mb).items(), key=lambda item: -item[1]):
            if self._stopped.is_set():
                return False
            if model not in self._renewed:
                self._renewed.add(model)
                self._renew(model, mb)
        return True

    def _renew(self, model: str, mb: float) -> None:
        renewal = Renewal(model, mb, *timed(lambda: self._control.renew(model), self._clock))
        self.renewals.append(renewal)
        self._on_renewal(renewal)
