"""A launcher-side daemon thread that looks at the server every `poll_s` until stopped (the model
watchdog and the error watch)."""

from __future__ import annotations

import logging
import threading
from typing import Self

_LOG = logging.getLogger(__name__)


class Poller:
    def __init__(self, name: str, poll_s: float) -> None:
        self._poll_s = poll_s
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join()

    def poll(self) -> bool:
        """One look; False ends the thread (the server is gone)."""
        raise NotImplementedError

    def _run(self) -> None:
        while not self._stopped.wait(self._poll_s):
            try:
                if not self.poll():
                    return
            except Exception:  # noqa: BLE001 - a watcher that dies heals nothing more: log, look again
                _LOG.exception("%s: one look failed", self._thread.name)
