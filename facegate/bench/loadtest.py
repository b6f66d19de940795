"""`python -m facegate.bench.loadtest` (`make loadtest`): locust headless with loadtest/locustfile.py against
a server it starts (or `--host host:port[,host:port...]`), bounded users and time; writes locust's CSV and
HTML report and prints a summary: requests/s, p50/p95/p99 and failures per call type.

The summary comes from locust's statistics as they stand when it quits (written by the locustfile on
locust's `quit` event): its CSV is rewritten only once a second, so it can miss the calls that
finished during the graceful stop."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from facegate.bench.local_server import local_server
from facegate.paths import REPO_ROOT

LOCUSTFILE = REPO_ROOT / "loadtest" / "locustfile.py"
SUMMARY_ENV = "FACEGATE_LOADTEST_SUMMARY"
PERCENTILES = (0.5, 0.95, 0.99)


@dataclass(frozen=True)
class CallStats:
    name: str
    requests: int
    failures: int
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


@dataclass(frozen=True)
class FailureType:
    """One call type's failures with one error (locust's failures table row)."""

    name: str
    error: str
    occurrences: int


def _call_stats(entry) -> CallStats:
    p50, p95, p99 = (float(entry.get_response_time_percentile(p)) if entry.num_requests else float("nan")
                     for p in PERCENTILES)
    return CallStats(entry.name, entry.num_requests, entry.num_failures, entry.total_rps, p50, p95, p99)


def final_stats(stats) -> tuple[list[CallStats], list[FailureType]]:
    """Per call (by name), then 'Aggregated'; failures by call and error, as locust's CSV has them."""
    calls = [_call_stats(entry) for entry in sorted(stats.entries.values(), key=lambda entry: entry.name)]
    failures = [FailureType(error.name, error.parse_error(error.error), error.occurrences)
                for error in sorted(stats.errors.values(), key=lambda error: (error.name, -error.occurrences))]
    return [*calls, _call_stats(stats.total)], failures


def write_summary(stats, path: Path) -> None:
    """`stats`: locust's RequestStats."""
    calls, failures = final_stats(stats)
    path.write_text(json.dumps({"calls": [asdict(c) for c in calls], "failures": [asdict(f) for f in failures]}))


def read_summary(path: Path) -> tuple[list[CallStats], list[FailureType]]:
    document = json.loads(path.read_text())
    return [CallStats(**call) for call in document["calls"]], [FailureType(**f) for f in document["failures"]]


def summary(stats: list[CallStats], failures: list[FailureType]) -> str:
    lines = [f"{'call':<22} {'requests':>8} {'failed':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"]
    lines += [f"{row.name:<22} {row.requests:>8} {row.failures:>6} {row.requests_per_s:>7.2f} {row.p50_ms:>8.0f} "
              f"{row.p95_ms:>8.0f} {row.p99_ms:>8.0f}" for row in stats]
    lines.append("failures by type:" if failures else "failures by type: none")
    lines += [f"  {failure.name}: {failure.occurrences} x {failure.error}" for failure in failures]
    return "\n".join(lines)


@contextlib.contextmanager
def _target(host: str | None) -> Iterator[str]:
    if host:
        yield host
        return
    with local_server() as server:
        yield server.grpc_url


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m facegate.bench.loadtest", description=__doc__)
    parser.add_argument("--host", help="gRPC host:port, or several comma-separated; default: start a local server")
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--spawn-rate", type=float, default=1.0, help="users started per second")
    parser.add_argument("--run-time", default="60s", help="locust duration, e.g. 30s, 2m")
    parser.add_argument("--frames", type=int, default=16, help="frames per verify request (8..48)")
    parser.add_argument("--out-dir", type=Path, default=REPO_ROOT / "build" / "loadtest")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    prefix, html, final = args.out_dir / "locust", args.out_dir / "locust.html", args.out_dir / "summary.json"
    final.unlink(missing_ok=True)
    environment = {**os.environ, "FACEGATE_LOADTEST_FRAMES": str(args.frames), SUMMARY_ENV: str(final)}
    with _target(args.host) as host:
        print(f"locust: {args.users} users for {args.run_time} against {host}", flush=True)
        command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
                   "--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", args.run_time,
                   "--stop-timeout", "120", "--host", host, "--csv", str(prefix), "--html", str(html),
                   "--loglevel", "WARNING"]
        code = subprocess.run(command, env=environment, check=False).returncode
    if not final.exists():
        print(f"locust wrote no statistics (exit {code})", file=sys.stderr)
        return code or 1
    print(summary(*read_summary(final)))
    print(f"wrote {prefix}_stats.csv, {html}, {final}")
    return 0 if code in (0, 1) else code  # locust exits 1 when any request failed: the summary says which


if __name__ == "__main__":
    sys.exit(main())
