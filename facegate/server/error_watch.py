"""The launcher's side of counting the errors Triton answers for `verify` without verify
(python_backends/verify/unanswered_errors.py): each second, one scrape of the metrics endpoint."""

from __future__ import annotations

import threading
import urllib.request

from python_backends.verify.unanswered_errors import FailureTotal, UnansweredFile, triton_failures

POLL_S = 1.0


class ErrorWatch:
    def __init__(self, metrics_url: str, handoff: UnansweredFile, poll_s: float = POLL_S) -> None:
        self._url, self._handoff, self._poll_s = metrics_url, handoff, poll_s
        self._failures = FailureTotal()
        self._offered = 0
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="error-watch", daemon=True)

    def start(self) -> ErrorWatch:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive():
            self._thread.join()

    def _watch(self) -> None:
        while not self._stopped.wait(self._poll_s):
            try:
                with urllib.request.urlopen(self._url, timeout=self._poll_s * 5) as answer:
                    text = answer.read().decode()
                unanswered = self._failures.observe(triton_failures(text))
                if unanswered != self._offered:
                    self._handoff.offer(unanswered)
                    self._offered = unanswered
            except (OSError, ValueError):
                continue  # the server is starting, stopping or busy: the next scrape
