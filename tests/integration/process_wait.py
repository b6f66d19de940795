"""Waiting for a helper server the tests started (gateway, Redis, Prometheus) to answer."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable


def answers_in_time(answers: Callable[[], bool], process: subprocess.Popen, timeout_s: float,
                    interval_s: float = 0.2) -> bool:
    """Polls `answers` until it is true; False as soon as `process` has exited or `timeout_s` has passed."""
    deadline = time.monotonic() + timeout_s
    while not answers():
        if process.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(interval_s)
    return True
