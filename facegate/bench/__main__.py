"""`python -m facegate.bench` (`make bench`): the limit, the naive baseline, the same models straight from
ONNX Runtime with the frame selection, and facegate via Triton in one run on this machine; prints the
table, ratios and targets, writes `<out>/benchmark.md` and `<out>/benchmark.png`."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from facegate.bench.inprocess import InProcessEnsembles
from facegate.bench.inprocess_runs import every_frame, measure_limit, measure_sequential
from facegate.bench.local_server import local_server
from facegate.bench.material import load_material
from facegate.bench.report import BenchResults, markdown, plot
from facegate.bench.served import measure_open_loop, measure_served
from facegate.paths import REPO_ROOT
from python_backends.decision import DecisionConfig


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m facegate.bench", description=__doc__)
    parser.add_argument("--frames", type=int, default=16, help="frames per verification (8..48)")
    parser.add_argument("--concurrency", type=_ints, default=[1, 2, 3, 4, 6, 8], help="served users, e.g. 1,2,4")
    parser.add_argument("--seconds", type=float, default=40.0, help="measured time per served concurrency")
    parser.add_argument("--warmup", type=float, default=5.0, help="unmeasured load before each served run")
    parser.add_argument("--sequential-seconds", type=float, default=30.0,
                        help="time of each in-process sequential run (limit pipeline, naive baseline)")
    parser.add_argument("--stage-seconds", type=float, default=1.0, help="time per stage and batch size")
    parser.add_argument("--batches", type=_ints, default=[1, 2, 4, 8, 16, 32], help="stage batch sizes tried")
    parser.add_argument("--out-dir", type=Path, default=REPO_ROOT / "docs")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    load_at_start = os.getloadavg()[0]
    material = load_material(args.frames)
    config = DecisionConfig()
    print(f"(a) stages in-process, batches {args.batches} ...", flush=True)
    batched = InProcessEnsembles()
    limit = measure_limit(batched, material, args.batches, args.stage_seconds, config)
    print("(d) ONNX Runtime straight, one process, with the frame selection ...", flush=True)
    inprocess = measure_sequential("(d) ONNX Runtime in one process, batched, frame selection", batched, material,
                                   args.sequential_seconds, config)
    print("(c) naive baseline: one image at a time, every model on every frame ...", flush=True)
    naive = measure_sequential("(c) naive: one image at a time, every model on every frame",
                               InProcessEnsembles(batch=1), material, args.sequential_seconds, every_frame(config))
    del batched
    served = []
    with local_server() as server:
        for concurrency in args.concurrency:
            print(f"(b) served, {concurrency} concurrent users ...", flush=True)
            served.append(measure_served(server.grpc_url, server.pid, material, concurrency, args.seconds,
                                         args.warmup))
        rate = max(run.verifications_per_s for run in served) / 2
        print(f"(b) served, open loop at half the saturation throughput: {rate:.3f}/s ...", flush=True)
        half_load = measure_open_loop(server.grpc_url, server.pid, material, rate, args.seconds, args.warmup)
        video = []
        saturating = max(served, key=lambda run: run.verifications_per_s).concurrency
        for concurrency in sorted({min(args.concurrency), saturating}):
            print(f"(v) served, the clip as an MP4, {concurrency} concurrent users ...", flush=True)
            video.append(measure_served(server.grpc_url, server.pid, material, concurrency, args.seconds,
                                        args.warmup, video=True))
    results = BenchResults(args.frames, limit, inprocess, naive, served, half_load,
                           (load_at_start, os.getloadavg()[0]), video, material.upload_bytes(False),
                           material.upload_bytes(True))
    report = markdown(results, time.strftime("%Y-%m-%d %H:%M"))
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / "benchmark.md").write_text("# facegate benchmark (`make bench`)\n\n" + report)
    plot(results, args.out_dir / "benchmark.png")
    print(report)
    print(f"wrote {args.out_dir / 'benchmark.md'} and {args.out_dir / 'benchmark.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
