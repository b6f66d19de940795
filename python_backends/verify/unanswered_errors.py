"""Errors Triton answered for `verify` without verify answering them itself, handed from the launcher
to verify so that they count in `facegate_verify_errors_total` (kind "unanswered").

When one of verify's processes is dead, Triton answers the requests routed to it with INTERNAL
("Stub process ... is not healthy"), and a request Triton refuses before it runs never reaches verify:
only Triton's `nv_inference_request_failure` counts those. The launcher, which outlives any model
process, reads that counter from the metrics endpoint (facegate/server/error_watch.py) and writes
its total to a private file; whichever verify instance polls first adds the part not yet added
to its counter, under a lock on that file, so two instances never add it twice.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import threading
from pathlib import Path
from typing import Callable

UNANSWERED = "unanswered"
POLL_S = 1.0
_FAILURE = re.compile(r'^nv_inference_request_failure\{([^}]*)\} (\S+)$', re.MULTILINE)


def triton_failures(metrics_text: str) -> float | None:
    """Triton's failed requests of `verify` (all versions and reasons); None when the series is absent.
    Measured on Triton 2.51: an error response verify returns itself is not a failure there, so these are
    exactly the errors verify never answered."""
    values = [float(value) for labels, value in _FAILURE.findall(metrics_text) if 'model="verify"' in labels]
    return sum(values) if values else None


class FailureTotal:
    """Triton's failures of verify over the server's life, also should the series restart at 0 (it survives
    a reload of verify on Triton 2.51; as Prometheus' increase() otherwise)."""

    def __init__(self) -> None:
        self.total = 0
        self._last: float | None = None

    def observe(self, value: float | None) -> int:
        if value is not None:
            self.total += round(value - self._last if self._last is not None and value >= self._last else value)
            self._last = value
        return self.total


class UnansweredFile:
    """`{"unanswered": N, "published": M}` in a 0600 file, read and written under an exclusive lock."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def offer(self, unanswered: int) -> None:
        """The launcher: the total so far."""
        self._update(lambda state: {**state, "unanswered": unanswered})

    def take(self) -> int:
        """A verify instance: what is not yet published, marked published."""
        taken = 0

        def publish(state: dict[str, int]) -> dict[str, int]:
            nonlocal taken
            taken = max(0, state.get("unanswered", 0) - state.get("published", 0))
            return {**state, "published": state.get("published", 0) + taken}

        self._update(publish)
        return taken

    def _update(self, change: Callable[[dict[str, int]], dict[str, int]]) -> None:
        with open(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), "r+") as file:
            fcntl.flock(file, fcntl.LOCK_EX)
            text = file.read()
            state = json.loads(text) if text else {}
            file.seek(0)
            file.truncate()
            json.dump(change(state), file)


class UnansweredPublisher:
    """In verify: every `poll_s`, adds what the launcher counted and no instance has added yet."""

    def __init__(self, handoff: UnansweredFile, add: Callable[[int], None], poll_s: float = POLL_S) -> None:
        self._handoff, self._add, self._poll_s = handoff, add, poll_s
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._poll, name="unanswered-errors", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stopped.set()
        self._thread.join()

    def _poll(self) -> None:
        while not self._stopped.wait(self._poll_s):
            try:
                taken = self._handoff.take()
            except (OSError, ValueError):
                continue  # the launcher is writing it, or it is gone with the server: the next poll
            if taken:
                self._add(taken)
