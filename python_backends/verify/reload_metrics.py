"""The launcher's count of model reloads, as a gauge per model and reason on Triton's metrics endpoint:
a model process died and was replaced (`died`), or a model was renewed to give back the shared memory
a burst left it (`shared_memory`).

The launcher, outside Triton, writes the counts to a private file (facegate/server/watchdog.py);
`verify`, which every node runs, reads it each second. A gauge set to the launcher's total rather
than a counter: both verify instances set the same value, and a reloaded verify shows the total at once.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Callable

RELOADS = "facegate_model_reloads"
DIED = "died"
SHARED_MEMORY = "shared_memory"
POLL_S = 1.0

# (name, description) -> a gauge family: pb_utils.MetricFamily in Triton, a fake in unit tests.
GaugeFamilyFactory = Callable[[str, str], Any]


class ReloadGauge:
    def __init__(self, path: Path, gauge_family: GaugeFamilyFactory, poll_s: float = POLL_S) -> None:
        self._path = path
        self._family = gauge_family(RELOADS, "models reloaded by facegate serve since it started: a process "
                                              "died, or shared memory given back")  # held: Triton drops the series with the family
        self._gauges: dict[tuple[str, str], Any] = {}
        self._seen: int | None = None
        self._poll_s = poll_s
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._poll, name="reload-gauge", daemon=True)
        self.refresh()
        self._thread.start()

    def refresh(self) -> None:
        try:
            modified = self._path.stat().st_mtime_ns
            if modified == self._seen:
                return
            counts = json.loads(self._path.read_text())
        except (OSError, ValueError):
            return  # not written yet, or replaced while read: the next poll reads it
        self._seen = modified
        for model, reasons in counts.items():
            for reason, count in reasons.items():
                if (model, reason) not in self._gauges:
                    self._gauges[model, reason] = self._family.Metric(labels={"model": model, "reason": reason})
                self._gauges[model, reason].set(count)

    def close(self) -> None:
        self._stopped.set()
        self._thread.join()

    def _poll(self) -> None:
        while not self._stopped.wait(self._poll_s):
            self.refresh()
