"""facegate through Triton with the real client: closed-loop load (each of `concurrency` users asks a
challenge, then verifies the genuine clip, again and again) and open-loop load (verifications started at
a fixed rate whatever the answers, evenly spaced as perf_analyzer's default `--request-rate-range`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from facegate_client import ClientOptions, FacegateClient

from facegate.bench.material import GENUINE_ACTIONS, Material
from facegate.bench.resources import ProcessUsage, ResourceSampler

_OPEN_LOOP_WORKERS = 64


@dataclass(frozen=True)
class LatencyStats:
    count: int
    p50_s: float
    p95_s: float
    p99_s: float

    @classmethod
    def of(cls, seconds: list[float]) -> LatencyStats:
        if not seconds:
            return cls(0, float("nan"), float("nan"), float("nan"))
        p50, p95, p99 = np.percentile(seconds, [50, 95, 99])
        return cls(len(seconds), float(p50), float(p95), float(p99))


@dataclass(frozen=True)
class ServedRun:
    """`concurrency` users in a closed loop, or (concurrency None) calls started at `rate_per_s`."""

    concurrency: int | None
    rate_per_s: float | None
    video: bool  # the clip went as the MP4, not as frames
    seconds: float
    verifications_per_s: float
    latency: LatencyStats
    failures: int
    decisions: dict[str, int]
    server_cpu_s_per_verification: float
    processes: list[ProcessUsage]

    @property
    def load(self) -> str:
        if self.concurrency is None:
            return f"{self.rate_per_s:.3f}/s open loop"
        return f"{self.concurrency} user{'s' if self.concurrency > 1 else ''}"


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    decisions: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def verify(self, client: FacegateClient, material: Material, video: bool) -> None:
        """One challenge + verification of the genuine clip (as frames, or as the MP4 when `video`);
        the verify call's latency is counted."""
        try:
            token = client.challenge(mirrored=False, actions=list(GENUINE_ACTIONS)).token
            started = time.monotonic()
            result = client.verify(material.id_photo, token=token, **material.genuine_clip(video))
            elapsed = time.monotonic() - started
        except Exception as error:  # noqa: BLE001 - counted and reported, the run goes on
            with self.lock:
                self.failures.append(type(error).__name__)
            return
        with self.lock:
            self.latencies.append(elapsed)
            decision = getattr(result.decision, "value", str(result.decision))
            self.decisions[decision] = self.decisions.get(decision, 0) + 1


def _client(url: str, in_flight: int) -> FacegateClient:
    return FacegateClient(url, ClientOptions(timeout_s=300.0, max_in_flight=max(16, in_flight)))


def _run(server_pid: int, load: Callable[[_Tally, float], None], concurrency: int | None, rate_per_s: float | None,
         warmup_s: float, seconds: float, video: bool = False) -> ServedRun:
    """`load(tally, seconds)` after `warmup_s` of it; the calls still running at the end finish and count,
    over the whole elapsed time. Also the server's CPU time and peak memory meanwhile."""
    if warmup_s > 0:
        load(_Tally(), warmup_s)
    tally = _Tally()
    with ResourceSampler(server_pid) as sampler:
        started = time.monotonic()
        load(tally, seconds)
        elapsed = time.monotonic() - started
    done = len(tally.latencies)
    return ServedRun(concurrency, rate_per_s, video, elapsed, done / elapsed, LatencyStats.of(tally.latencies),
                     len(tally.failures), tally.decisions,
                     sampler.total_cpu_s() / done if done else float("nan"), sampler.usage())


def measure_served(url: str, server_pid: int, material: Material, concurrency: int, seconds: float,
                   warmup_s: float = 0.0, video: bool = False) -> ServedRun:
    """Verifications per second and latency of `concurrency` users who start calls for `seconds`
    (sending the clip as the MP4 when `video`)."""
    with _client(url, concurrency) as client:

        def closed_loop(tally: _Tally, duration: float) -> None:
            stop_at = time.monotonic() + duration

            def user() -> None:
                while time.monotonic() < stop_at:
                    tally.verify(client, material, video)

            users = [threading.Thread(target=user) for _ in range(concurrency)]
            for thread in users:
                thread.start()
            for thread in users:
                thread.join()

        return _run(server_pid, closed_loop, concurrency, None, warmup_s, seconds, video)


def measure_open_loop(url: str, server_pid: int, material: Material, rate_per_s: float, seconds: float,
                      warmup_s: float = 0.0) -> ServedRun:
    """Latency when verifications start every 1/`rate_per_s` seconds for `seconds` (at least one call)."""
    with _client(url, _OPEN_LOOP_WORKERS) as client, ThreadPoolExecutor(_OPEN_LOOP_WORKERS) as pool:

        def open_loop(tally: _Tally, duration: float) -> None:
            started, calls = time.monotonic(), []
            for k in range(max(1, round(duration * rate_per_s))):
                time.sleep(max(0.0, started + k / rate_per_s - time.monotonic()))
                calls.append(pool.submit(tally.verify, client, material, False))
            for call in calls:
                call.result()

        return _run(server_pid, open_loop, None, rate_per_s, warmup_s, seconds)
