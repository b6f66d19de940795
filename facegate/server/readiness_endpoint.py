"""`facegate serve --readiness-port`: readiness that includes the token store.

Triton's own readiness knows its models, not Redis: a node whose token store is unreachable answers
every verify SERVICE_UNAVAILABLE, so load balancers and Kubernetes should take it out of rotation.
GET /ready answers 200 when Triton is ready and the store answers a PING, 503 otherwise, with
`{"ready", "triton", "token_store"}` as JSON; both are asked afresh on every probe, so the answer
recovers by itself when Redis is back.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from facegate.server.readiness import HttpProbe
from python_backends.decision import StoreUnavailable, TokenStore

PATH = "/ready"
TRITON_TIMEOUT_S = 2.0


def triton_ready(http_url: str) -> bool:
    try:
        return HttpProbe(http_url, {}).is_ok("/health/ready", TRITON_TIMEOUT_S)
    except OSError:  # refused or timed out
        return False


def store_answers(store: TokenStore | None) -> bool:
    if store is None:
        return True
    try:
        store.ping()
    except StoreUnavailable:
        return False
    return True


def readiness(http_url: str, store: TokenStore | None) -> dict[str, bool]:
    states = {"triton": triton_ready(http_url), "token_store": store_answers(store)}
    return {"ready": all(states.values()), **states}


@contextlib.contextmanager
def serving_readiness(address: str, port: int, http_url: str, store: TokenStore | None) -> Iterator[ThreadingHTTPServer]:
    """Serves GET /ready on `address`:`port` in a background thread until the block ends."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self.path != PATH:
                self.send_error(404)
                return
            state = readiness(http_url, store)
            body = json.dumps(state).encode()
            self.send_response(200 if state["ready"] else 503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:  # probes every few seconds: keep the server log for Triton
            pass

    server = ThreadingHTTPServer((address, port), Handler)
    thread = threading.Thread(target=server.serve_forever, name="facegate-readiness", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
