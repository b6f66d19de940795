"""The launcher's side of counting the errors Triton answers for `verify` without verify
(python_backends/verify/unanswered_errors.py): each second, one scrape of the metrics endpoint."""

from __future__ import annotations

import urllib.request

from facegate.server.poller import Poller
from python_backends.verify.unanswered_errors import FailureTotal, UnansweredFile, triton_failures

POLL_S = 1.0


class ErrorWatch(Poller):
    def __init__(self, metrics_url: str, handoff: UnansweredFile, poll_s: float = POLL_S) -> None:
        super().__init__("error-watch", poll_s)
        self._url, self._handoff = metrics_url, handoff
        self._failures = FailureTotal()
        self._offered = 0

    def poll(self) -> bool:
        try:
            with urllib.request.urlopen(self._url, timeout=self._poll_s * 5) as answer:
                text = answer.read().decode()
            unanswered = self._failures.observe(triton_failures(text))
            if unanswered != self._offered:
                self._handoff.offer(unanswered)
                self._offered = unanswered
        except (OSError, ValueError):
            pass  # the server is starting, stopping or busy: the next scrape
        return True
