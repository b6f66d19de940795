"""facegate through Triton: closed-loop load with the real client (each of `concurrency` users asks a
challenge, then verifies the genuine clip, again and again) for a fixed time."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
from facegate_client import ClientOptions, FacegateClient

from facegate.bench.material import GENUINE_ACTIONS, Material
from facegate.bench.resources import ProcessUsage, ResourceSampler


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
    concurrency: int
    seconds: float
    verifications_per_s: float
    latency: LatencyStats
    failures: int
    decisions: dict[str, int]
    server_cpu_s_per_verification: float
    processes: list[ProcessUsage]


def _user(client: FacegateClient, material: Material, stop_at: float, latencies: list[float],
          decisions: dict[str, int], failures: list[str], lock: threading.Lock) -> None:
    while time.monotonic() < stop_at:
        try:
            token = client.challenge(mirrored=False, actions=list(GENUINE_ACTIONS)).token
            started = time.monotonic()
            result = client.verify(material.id_photo, material.genuine, token)
            elapsed = time.monotonic() - started
        except Exception as error:  # noqa: BLE001 - counted and reported, the run goes on
            with lock:
                failures.append(type(error).__name__)
            continue
        with lock:
            latencies.append(elapsed)
            decision = getattr(result.decision, "value", str(result.decision))
            decisions[decision] = decisions.get(decision, 0) + 1


def measure_served(url: str, server_pid: int, material: Material, concurrency: int, seconds: float,
                   warmup_s: float = 0.0) -> ServedRun:
    """Verifications per second of `concurrency` users who start calls for `seconds` (after `warmup_s` of the
    same load, not counted); the calls still running then finish and count, over the whole elapsed time.
    Also their verify latency, and the server's CPU time and peak memory meanwhile."""
    latencies: list[float] = []
    decisions: dict[str, int] = {}
    failures: list[str] = []
    lock = threading.Lock()
    options = ClientOptions(timeout_s=300.0, max_in_flight=max(16, concurrency))
    with FacegateClient(url, options) as client:
        if warmup_s > 0:
            _run_users(client, material, concurrency, warmup_s, [], {}, [], lock)
        with ResourceSampler(server_pid) as sampler:
            started = time.monotonic()
            _run_users(client, material, concurrency, seconds, latencies, decisions, failures, lock)
            elapsed = time.monotonic() - started
    done = len(latencies)
    return ServedRun(concurrency, elapsed, done / elapsed, LatencyStats.of(latencies), len(failures), decisions,
                     sampler.total_cpu_s() / done if done else float("nan"), sampler.usage())


def _run_users(client: FacegateClient, material: Material, concurrency: int, seconds: float,
               latencies: list[float], decisions: dict[str, int], failures: list[str], lock: threading.Lock) -> None:
    stop_at = time.monotonic() + seconds
    users = [threading.Thread(target=_user, args=(client, material, stop_at, latencies, decisions, failures, lock))
             for _ in range(concurrency)]
    for user in users:
        user.start()
    for user in users:
        user.join()
