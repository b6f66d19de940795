"""`python -m facegate.bench.memory`: resident memory of every server process, warmed up, at the peak
of a burst of the largest verifications the limits allow, and once the burst is over.

The largest allowed request: the fewest frames (8), each as large as the decoded-pixel budget
(`DecisionConfig.max_request_pixels`) lets them be, real selfie frames scaled up (faces found, so
every model runs). A request over the budget (the issue's 32 frames of 4890x4890) is refused from
its headers: it is sent too, and must change nothing.
"""

from __future__ import annotations

import argparse
import math
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psutil

from facegate import testdata
from facegate.bench.local_server import local_server
from facegate.bench.resources import ResourceSampler, instance_name
from facegate_client import ClientOptions, FacegateClient
from python_backends.decision import DecisionConfig
from python_backends.imaging import read_header

FRAMES = 8
ID_PHOTO_SIZE = (1280, 720)
SETTLED_RATIO = 1.25
"""Issue 9: after the burst, every process returns to within 25 % of its warmed-up resident size."""
SETTLE_MAX_S = 60.0
SETTLE_POLL_S = 2.0


def largest_request() -> tuple[bytes, list[bytes]]:
    budget = DecisionConfig().max_request_pixels - math.prod(ID_PHOTO_SIZE)
    height = int(math.sqrt(budget / FRAMES * 9 / 16))
    size = (height * 16 // 9, height)
    video = testdata.video_frames("single_face_video", step=6, limit=6 * FRAMES)
    return (testdata.encode(video[0], size=ID_PHOTO_SIZE),
            [testdata.encode(frame, size=size) for frame in video[:FRAMES]])


def over_budget_request() -> tuple[bytes, list[bytes]]:
    frame = testdata.encode(testdata.video_frames("single_face_video", limit=1)[0], fmt="PNG", size=(4890, 4890))
    return testdata.encode(testdata.video_frames("single_face_video", limit=1)[0]), [frame] * 32


RSS_KINDS = ("RssAnon", "RssShmem", "RssFile")
"""How /proc/PID/status splits resident memory: the process's own heap and stacks, shared memory
(the Python backend's regions, counted in every process that maps them), mapped files (libraries)."""


@dataclass(frozen=True)
class Resident:
    mb: float
    kinds_mb: dict[str, float]

    @property
    def private_mb(self) -> float:
        return self.mb - self.kinds_mb.get("RssShmem", 0.0)

    def describe(self) -> str:
        return " ".join(f"{kind[3:].lower()} {self.kinds_mb.get(kind, math.nan):.0f}" for kind in RSS_KINDS)


def resident(pid: int) -> dict[str, Resident]:
    """Resident memory per process of the server (tritonserver and each model instance), MB."""
    root = psutil.Process(pid)
    sizes = {}
    for process in (root, *root.children(recursive=True)):
        try:
            with open(f"/proc/{process.pid}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
            sizes[instance_name(process)] = Resident(
                int(fields["VmRSS"].split()[0]) / 2**10,
                {kind: int(fields[kind].split()[0]) / 2**10 for kind in RSS_KINDS if kind in fields})
        except (OSError, psutil.NoSuchProcess):
            continue
    return sizes


def shm_in_use_mb(pid: int) -> float:
    """Bytes held by the server's /dev/shm (its private tmpfs, seen through its mount namespace), MB."""
    usage = os.statvfs(f"/proc/{pid}/root/dev/shm")
    return (usage.f_blocks - usage.f_bfree) * usage.f_frsize / 2**20


def _verify(url: str, request: tuple[bytes, list[bytes]]) -> str:
    with FacegateClient([url], ClientOptions(timeout_s=600)) as client:
        result = client.verify(*request, client.challenge(mirrored=False).token)
    return f"{result.decision.value} {','.join(code.value for code in result.codes)}"


def settle(pid: int, warm: dict[str, Resident]) -> tuple[dict[str, Resident], float]:
    """Resident memory once every process is back within SETTLED_RATIO of its warmed-up size, or after
    SETTLE_MAX_S (whichever comes first), and the seconds waited: allocators and the Python backend give
    memory back at their own pace, so the wait is fair but bounded."""
    started = time.monotonic()
    while True:
        now = resident(pid)
        waited = time.monotonic() - started
        if waited >= SETTLE_MAX_S or all(now[name].mb <= SETTLED_RATIO * warm[name].mb for name in warm if name in now):
            return now, waited
        time.sleep(SETTLE_POLL_S)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m facegate.bench.memory", description=__doc__)
    parser.add_argument("--burst", type=int, default=6, help="largest requests sent, `--concurrency` at a time")
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args(argv)
    largest, over = largest_request(), over_budget_request()
    pixels = sum(header.pixels for header in map(read_header, (largest[0], *largest[1])))
    print(f"largest allowed request: {FRAMES} frames + ID photo, {pixels / 1e6:.0f} Mpx decoded, "
          f"{sum(map(len, largest[1])) / 2**20:.1f} MB encoded")
    with local_server() as server:
        with ThreadPoolExecutor(args.concurrency) as pool:  # both instances of each model serve once
            warm_up = pool.map(lambda _: _verify(server.grpc_url, largest), range(args.concurrency))
            print(f"warm-up: {args.concurrency} requests at once: {sorted(set(warm_up))}")
        warm, warm_shm = resident(server.pid), shm_in_use_mb(server.pid)
        print("over budget (32 x 4890x4890 PNG):", _verify(server.grpc_url, over))
        with ResourceSampler(server.pid) as sampler, ThreadPoolExecutor(args.concurrency) as pool:
            started = time.monotonic()
            outcomes = list(pool.map(lambda _: _verify(server.grpc_url, largest), range(args.burst)))
        print(f"burst: {args.burst} requests, {args.concurrency} at a time, {time.monotonic() - started:.0f} s: "
              f"{sorted(set(outcomes))}; server CPU {sampler.total_cpu_s() / args.burst:.1f} s per request")
        peak = {usage.name: usage.peak_rss_mb for usage in sampler.usage()}
        settled, waited = settle(server.pid, warm)
        for renewal in server.recycler.renewals:
            print(f"facegate serve, while settling: {renewal.describe()}")
        print(f"private /dev/shm in use (the Python backend's regions, each counted in the RSS of tritonserver and of "
              f"its model process): warmed up {warm_shm:.0f} MB, settled {shm_in_use_mb(server.pid):.0f} MB")
    print(f"\n| process | warmed-up MB | peak MB | settled MB ({waited:.0f} s after) | settled / warmed-up | "
          "settled: anon / shmem / file MB |")
    print("| --- | --- | --- | --- | --- | --- |")
    ratios = {}
    for name in sorted(warm):
        after = settled.get(name, Resident(math.nan, {}))
        ratios[name] = after.mb / warm[name].mb
        print(f"| {name} | {warm[name].mb:.0f} | {peak.get(name, math.nan):.0f} | {after.mb:.0f} | "
              f"{ratios[name]:.2f} | {after.describe()} (warm: {warm[name].describe()}) |")
    total_warm, total_settled = sum(r.mb for r in warm.values()), sum(r.mb for r in settled.values())
    print(f"| all | {total_warm:.0f} | {sum(peak.values()):.0f} (sum of peaks) | {total_settled:.0f} | "
          f"{total_settled / total_warm:.2f} | |")
    over_limit = sorted(name for name, ratio in ratios.items() if not ratio <= SETTLED_RATIO)
    private = {name: settled[name].private_mb / warm[name].private_mb for name in warm if name in settled}
    over_private = sorted(name for name, ratio in private.items() if not ratio <= SETTLED_RATIO)
    print(f"\nwithout shared memory (anon + file; the regions' pages are counted in tritonserver and in the model "
          f"process alike): settled / warmed-up {min(private.values()):.2f}-{max(private.values()):.2f}, over "
          f"{SETTLED_RATIO:.2f}x: {', '.join(over_private) or 'none'}")
    verdict = "PASS" if not over_limit else f"FAIL ({', '.join(over_limit)})"
    print(f"\nsettled within {SETTLED_RATIO:.2f}x of warmed-up resident size after at most {SETTLE_MAX_S:.0f} s: "
          f"{verdict}")
    return 0 if not over_limit else 1


if __name__ == "__main__":
    raise SystemExit(main())
