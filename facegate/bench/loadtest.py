"""`python -m facegate.bench.loadtest` (`make loadtest`): locust headless with loadtest/locustfile.py against
a server it starts (or `--host host:port[,host:port...]`), bounded users and time; writes locust's CSV and
HTML report and prints a summary: requests/s, p50/p95/p99 and failures per call type."""

from __future__ import annotations

import argparse
import contextlib
import csv
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from facegate.bench.local_server import local_server
from facegate.paths import REPO_ROOT

LOCUSTFILE = REPO_ROOT / "loadtest" / "locustfile.py"


@dataclass(frozen=True)
class CallStats:
    name: str
    requests: int
    failures: int
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float


def read_stats(stats_csv: Path) -> list[CallStats]:
    """Rows of locust's `<prefix>_stats.csv`, the 'Aggregated' row last."""
    def number(text: str) -> float:
        return float(text) if text not in ("", "N/A") else float("nan")

    with stats_csv.open(newline="") as handle:
        return [CallStats(row["Name"], int(row["Request Count"]), int(row["Failure Count"]),
                          number(row["Requests/s"]), number(row["50%"]), number(row["95%"]), number(row["99%"]))
                for row in csv.DictReader(handle)]


def read_failures(failures_csv: Path) -> list[tuple[str, str, int]]:
    """(call name, error, occurrences) from locust's `<prefix>_failures.csv`."""
    with failures_csv.open(newline="") as handle:
        return [(row["Name"], row["Error"], int(row["Occurrences"])) for row in csv.DictReader(handle)]


def summary(stats: list[CallStats], failures: list[tuple[str, str, int]]) -> str:
    lines = [f"{'call':<22} {'requests':>8} {'failed':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"]
    lines += [f"{row.name:<22} {row.requests:>8} {row.failures:>6} {row.requests_per_s:>7.2f} {row.p50_ms:>8.0f} "
              f"{row.p95_ms:>8.0f} {row.p99_ms:>8.0f}" for row in stats]
    lines.append("failures by type:" if failures else "failures by type: none")
    lines += [f"  {name}: {count} x {error}" for name, error, count in failures]
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
    prefix, html = args.out_dir / "locust", args.out_dir / "locust.html"
    environment = {**os.environ, "FACEGATE_LOADTEST_FRAMES": str(args.frames)}
    with _target(args.host) as host:
        print(f"locust: {args.users} users for {args.run_time} against {host}", flush=True)
        command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
                   "--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", args.run_time,
                   "--stop-timeout", "120", "--host", host, "--csv", str(prefix), "--html", str(html),
                   "--loglevel", "WARNING"]
        code = subprocess.run(command, env=environment, check=False).returncode
    stats_csv = Path(f"{prefix}_stats.csv")
    if not stats_csv.exists():
        print(f"locust wrote no statistics (exit {code})", file=sys.stderr)
        return code or 1
    print(summary(read_stats(stats_csv), read_failures(Path(f"{prefix}_failures.csv"))))
    print(f"wrote {stats_csv}, {html}")
    return 0 if code in (0, 1) else code  # locust exits 1 when any request failed: the summary says which


if __name__ == "__main__":
    sys.exit(main())
