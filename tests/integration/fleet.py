"""Real `facegate serve` nodes sharing one real Redis, for the fleet tests.

Each node is the command an operator runs (`facegate serve ... --readiness-port`, the store URL in
$FACEGATE_TOKEN_STORE), on free loopback ports; its Triton log goes to a file in the caller's
private temporary directory (no biometric data is ever logged). Nodes start together and are
stopped with SIGTERM, like a service manager would.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from facegate.server.launcher import stop
from facegate.server.ports import free_ports
from python_backends.verify.settings import TOKEN_STORE_ENV

START_TIMEOUT_S = 420.0
STOP_TIMEOUT_S = 90.0
READY_LINE = "facegate serve: ready"


@dataclass
class Node:
    name: str
    grpc_url: str
    metrics_url: str
    readiness_url: str
    process: subprocess.Popen
    log: Path

    def readiness(self) -> tuple[int, dict]:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(self.readiness_url, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def metrics(self) -> str:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(self.metrics_url, timeout=10) as response:
            return response.read().decode()


def _wait_ready(node: Node, ready: threading.Event) -> None:
    for line in node.process.stdout:
        if line.startswith(READY_LINE):
            ready.set()
    # stdout closed: the node exited (or is stopping)


@contextlib.contextmanager
def fleet(count: int, token_store_url: str, keyring_file: Path, workdir: Path,
          node_arguments: Sequence[Sequence[str]] = ()) -> Iterator[list[Node]]:
    """`count` nodes READY on entry; `node_arguments[i]`: extra `facegate serve` options of node i."""
    facegate = str(Path(sys.executable).parent / "facegate")
    environment = {**os.environ, TOKEN_STORE_ENV: token_store_url}
    nodes, waiters = [], []
    try:
        for index in range(count):
            grpc, http, metrics, readiness = free_ports(4)
            log = workdir / f"node{index}.log"
            extra = list(node_arguments[index]) if index < len(node_arguments) else []
            process = subprocess.Popen(
                [facegate, "serve", "--address", "127.0.0.1", "--grpc-port", str(grpc), "--http-port", str(http),
                 "--metrics-port", str(metrics), "--readiness-port", str(readiness),
                 "--keyring-file", str(keyring_file), *extra],
                env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log.open("w"), text=True,
                start_new_session=True)
            node = Node(f"node{index}", f"127.0.0.1:{grpc}", f"http://127.0.0.1:{metrics}/metrics",
                        f"http://127.0.0.1:{readiness}/ready", process, log)
            ready = threading.Event()
            threading.Thread(target=_wait_ready, args=(node, ready), daemon=True).start()
            nodes.append(node)
            waiters.append(ready)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not all(ready.is_set() for ready in waiters):
            failed = [node for node in nodes if node.process.poll() is not None]
            if failed or time.monotonic() > deadline:
                node = (failed or nodes)[0]
                tail = "\n".join(node.log.read_text().splitlines()[-30:])
                raise RuntimeError(f"{node.name} did not become ready:\n{tail}")
            time.sleep(0.5)
        yield nodes
    finally:
        for node in nodes:  # all at once: they drain and unload in parallel
            if node.process.poll() is None:
                node.process.send_signal(signal.SIGTERM)
        for node in nodes:
            stop(node.process, STOP_TIMEOUT_S)  # `facegate serve` stops its Triton before it exits
