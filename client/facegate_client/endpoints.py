"""Which node gets the next request: round-robin over healthy nodes, failed nodes probed on a timer.

A pure state machine (the clock is injected); the clients do the I/O and report back. A failed
node waits `probe_interval_s` before its first probe, doubling after each failed probe up to
`max_probe_interval_s`; one caller at a time is handed a due probe.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

Clock = Callable[[], float]


@dataclass
class _Node:
    url: str
    healthy: bool = True
    failures: int = 0
    next_probe_at: float = 0.0


class EndpointPool:
    def __init__(
        self,
        urls: Sequence[str],
        clock: Clock = time.monotonic,
        probe_interval_s: float = 1.0,
        max_probe_interval_s: float = 30.0,
    ) -> None:
        if not urls:
            raise ValueError("at least one endpoint is required")
        if len(set(urls)) != len(urls):
            raise ValueError("duplicate endpoint")
        self._nodes = [_Node(url) for url in urls]
        self._clock = clock
        self._probe_interval_s = probe_interval_s
        self._max_probe_interval_s = max_probe_interval_s
        self._cursors: dict[str, int] = {}
        self._lock = threading.Lock()

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(node.url for node in self._nodes)

    def healthy(self) -> tuple[str, ...]:
        with self._lock:
            return tuple(node.url for node in self._nodes if node.healthy)

    def order(self, kind: str = "") -> list[str]:
        """The nodes to try for one request, in order: healthy ones round-robin, then the failed
        ones (soonest probe first) as a last resort, so an outage of every node is noticed as
        soon as one is back. Each `kind` of request has its own round-robin: with one shared turn,
        callers alternating challenge and verify would send every verify to the same node."""
        with self._lock:
            healthy = [node.url for node in self._nodes if node.healthy]
            failed = sorted((node for node in self._nodes if not node.healthy), key=lambda node: node.next_probe_at)
            cursor = self._cursors[kind] = self._cursors.get(kind, -1) + 1
            start = cursor % len(healthy) if healthy else 0
            return healthy[start:] + healthy[:start] + [node.url for node in failed]

    def replace(self, urls: Sequence[str]) -> tuple[list[str], list[str]]:
        """Makes `urls` the nodes (a fleet behind a DNS name changed); nodes that stay keep their
        health and backoff, new ones start healthy. Returns the added and the removed urls."""
        if not urls or len(set(urls)) != len(urls):
            raise ValueError("at least one endpoint is required, without duplicates")
        with self._lock:
            current = {node.url: node for node in self._nodes}
            self._nodes = [current.get(url) or _Node(url) for url in urls]
        return [url for url in urls if url not in current], [url for url in current if url not in set(urls)]

    def due_probes(self) -> list[str]:
        """Failed nodes whose probe is due; each is handed out once per interval."""
        now = self._clock()
        with self._lock:
            due = [node for node in self._nodes if not node.healthy and node.next_probe_at <= now]
            for node in due:
                node.next_probe_at = now + self._backoff(node)
            return [node.url for node in due]

    def report_success(self, url: str) -> None:
        with self._lock:
            node = self._node(url)
            node.healthy, node.failures, node.next_probe_at = True, 0, 0.0

    def report_failure(self, url: str) -> None:
        with self._lock:
            node = self._node(url)
            node.healthy = False
            node.failures += 1
            node.next_probe_at = self._clock() + self._backoff(node)

    def _backoff(self, node: _Node) -> float:
        # The exponent is capped: 2 ** 1100 does not fit a float, and a node down for long fails often.
        return min(self._probe_interval_s * 2.0 ** min(max(node.failures - 1, 0), 64), self._max_probe_interval_s)

    def _node(self, url: str) -> _Node:
        return next(node for node in self._nodes if node.url == url)
