"""`facegate probe live|ready`: Kubernetes exec probes of the Triton server in the same pod.

Asked over Triton's HTTP endpoint on loopback, because with TLS on that endpoint listens on
loopback only, where kubelet's own httpGet probe cannot reach it. Exit 0: live/ready; 1: not.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from facegate.server.config import ServerConfig
from facegate.server.readiness import HttpProbe

ENDPOINTS = {"live": "/health/live", "ready": "/health/ready"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="facegate probe", description=__doc__)
    parser.add_argument("check", choices=ENDPOINTS)
    parser.add_argument("--http-port", type=int, default=ServerConfig().http_port)
    args = parser.parse_args(argv)
    try:
        ok = HttpProbe(f"127.0.0.1:{args.http_port}", {}).is_ok(ENDPOINTS[args.check])
    except OSError as error:
        ok = False
        print(f"facegate probe {args.check}: {error}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
