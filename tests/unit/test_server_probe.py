"""`facegate probe live|ready` against a real HTTP server on loopback standing in for Triton's health endpoints."""

import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from facegate.server.ports import free_ports
from facegate.server.probe import main


@contextlib.contextmanager
def _health(statuses: dict[str, int]):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(statuses.get(self.path, 404))
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("ready_status, expected", [(200, 0), (400, 1)])
def test_ready_follows_tritons_ready_endpoint(ready_status, expected):
    with _health({"/v2/health/live": 200, "/v2/health/ready": ready_status}) as port:
        assert main(["ready", f"--http-port={port}"]) == expected
        assert main(["live", f"--http-port={port}"]) == 0


def test_nothing_listening_is_not_live(capsys):
    assert main(["live", f"--http-port={free_ports(1)[0]}"]) == 1
    assert "facegate probe live" in capsys.readouterr().err
