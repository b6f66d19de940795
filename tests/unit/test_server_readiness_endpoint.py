"""The /ready endpoint on its own: a real HTTP server, a stand-in Triton health endpoint, real stores."""

import contextlib
import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from facegate.server.ports import free_ports
from facegate.server.readiness_endpoint import serving_readiness
from python_backends.decision import SqliteTokenStore
from python_backends.decision.redis_token_store import RedisTokenStore


@contextlib.contextmanager
def triton_health(ready: bool):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(200 if ready and self.path == "/v2/health/ready" else 400)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def ask(port: int, path: str = "/ready"):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_ready_only_when_triton_and_the_store_both_are(tmp_path):
    down = RedisTokenStore(f"redis://127.0.0.1:{free_ports(1)[0]}/0")
    cases = [(True, SqliteTokenStore(tmp_path), 200, {"ready": True, "triton": True, "token_store": True}),
             (True, None, 200, {"ready": True, "triton": True, "token_store": True}),
             (True, down, 503, {"ready": False, "triton": True, "token_store": False}),
             (False, SqliteTokenStore(tmp_path), 503, {"ready": False, "triton": False, "token_store": True})]
    for triton_ready, store, status, body in cases:
        port = free_ports(1)[0]
        with triton_health(triton_ready) as http_url, serving_readiness("127.0.0.1", port, http_url, store):
            answered, content = ask(port)
            assert (answered, json.loads(content)) == (status, body)
            assert ask(port, "/other")[0] == 404
