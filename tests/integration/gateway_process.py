"""`facegate gateway` as the tests run it: the real command in a child process on a free loopback port,
ready (GET /api/config answers) on entry, stopped on exit."""

from __future__ import annotations

import contextlib
import ssl
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence

from facegate.server.ports import free_ports
from tests.integration.process_wait import answers_in_time


def fetch(url: str, data: bytes | None = None, content_type: str = "application/json",
          context: ssl.SSLContext | None = None, timeout: float = 120.0) -> tuple[int, bytes]:
    """(status, body); HTTP error statuses are answers here, not exceptions."""
    request = urllib.request.Request(url, data=data, headers={"content-type": content_type} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextlib.contextmanager
def running_gateway(servers: Sequence[str], *options: str, scheme: str = "http",
                    context: ssl.SSLContext | None = None) -> Iterator[str]:
    """Yields the gateway's base URL (ending in /)."""
    port = free_ports(1)[0]
    command = [sys.executable, "-m", "facegate.cli", "gateway", "--port", str(port), "--timeout", "120",
               *(f"--server={url}" for url in servers), *options]
    log = tempfile.TemporaryFile()  # the gateway's log: request lines and errors, never request data
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base = f"{scheme}://127.0.0.1:{port}/"
    try:
        if not answers_in_time(lambda: _answers(base + "api/config", context), process, 30):
            log.seek(0)
            raise RuntimeError(f"facegate gateway did not start: {log.read().decode(errors='replace')}")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _answers(url: str, context: ssl.SSLContext | None) -> bool:
    try:
        return fetch(url, context=context, timeout=2)[0] == 200
    except OSError:
        return False
