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
import time
from concurrent.futures import ThreadPoolExecutor

import psutil

from facegate import testdata
from facegate.bench.local_server import local_server
from facegate.bench.resources import ResourceSampler, instance_name
from facegate_client import ClientOptions, FacegateClient
from python_backends.decision import DecisionConfig
from python_backends.imaging import read_header

FRAMES = 8
ID_PHOTO_SIZE = (1280, 720)
SETTLE_S = 15.0


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


def resident_mb(pid: int) -> dict[str, float]:
    """Resident memory per process of the server (tritonserver and each model instance), MB."""
    root = psutil.Process(pid)
    sizes = {}
    for process in (root, *root.children(recursive=True)):
        try:
            sizes[instance_name(process)] = process.memory_info().rss / 2**20
        except psutil.NoSuchProcess:
            continue
    return sizes


def _verify(url: str, request: tuple[bytes, list[bytes]]) -> str:
    with FacegateClient([url], ClientOptions(timeout_s=600)) as client:
        result = client.verify(*request, client.challenge(mirrored=False).token)
    return f"{result.decision.value} {','.join(code.value for code in result.codes)}"


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
        print("warm-up:", _verify(server.grpc_url, largest))
        warm = resident_mb(server.pid)
        print("over budget (32 x 4890x4890 PNG):", _verify(server.grpc_url, over))
        with ResourceSampler(server.pid) as sampler, ThreadPoolExecutor(args.concurrency) as pool:
            started = time.monotonic()
            outcomes = list(pool.map(lambda _: _verify(server.grpc_url, largest), range(args.burst)))
        print(f"burst: {args.burst} requests, {args.concurrency} at a time, {time.monotonic() - started:.0f} s: "
              f"{sorted(set(outcomes))}")
        peak = {usage.name: usage.peak_rss_mb for usage in sampler.usage()}
        time.sleep(SETTLE_S)
        settled = resident_mb(server.pid)
    print(f"\n| process | warmed-up MB | peak MB | settled MB ({SETTLE_S:.0f} s after) | settled / warmed-up |")
    print("| --- | --- | --- | --- | --- |")
    for name in sorted(warm):
        print(f"| {name} | {warm[name]:.0f} | {peak.get(name, math.nan):.0f} | {settled.get(name, math.nan):.0f} | "
              f"{settled.get(name, math.nan) / warm[name]:.2f} |")
    total_warm, total_settled = sum(warm.values()), sum(settled.values())
    print(f"| all | {total_warm:.0f} | {sum(peak.values()):.0f} (sum of peaks) | {total_settled:.0f} | "
          f"{total_settled / total_warm:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
