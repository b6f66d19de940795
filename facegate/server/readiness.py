"""Waiting until the server and every model in its repository are READY.

Asked over Triton's HTTP endpoint on loopback: it is the one the launcher can always reach
(gRPC may be TLS with a certificate for another host name, or mutual TLS); the repository
index is an operator call, so the operator key's header is sent when there is one.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from facegate.server.server_log import ServerLog

POLL_INTERVAL_S = 0.2
LOG_TAIL_LINES = 40


class ServerStartError(RuntimeError):
    """The server did not become ready; the message names the failed models and ends with the log tail."""


@dataclass(frozen=True)
class ModelState:
    name: str
    version: str
    state: str
    reason: str


class HttpProbe:
    """Triton's HTTP API on loopback, with the operator key's header when there is one."""

    def __init__(self, http_url: str, headers: dict[str, str]) -> None:
        self._base = f"http://{http_url}/v2"
        self._headers = headers
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy

    def _call(self, path: str, body: bytes | None = None, timeout_s: float = 5) -> tuple[int, bytes]:
        request = urllib.request.Request(self._base + path, body, {"Content-Type": "application/json", **self._headers})
        try:
            with self._opener.open(request, timeout=timeout_s) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def is_ok(self, path: str, timeout_s: float = 5) -> bool:
        return self._call(path, timeout_s=timeout_s)[0] == 200

    def statistics(self) -> dict:
        """Triton's inference statistics of every model (an operator call)."""
        status, body = self._call("/models/stats")
        if status != 200:
            raise OSError(f"statistics answered HTTP {status}: {body[:200]!r}")
        return json.loads(body)

    def repository_states(self) -> list[ModelState]:
        status, body = self._call("/repository/index", b"{}")
        if status != 200:
            raise OSError(f"repository index answered HTTP {status}: {body[:200]!r}")
        return [ModelState(m["name"], m.get("version", ""), m.get("state", "UNKNOWN"), m.get("reason", ""))
                for m in json.loads(body)]


def wait_until_ready(
    process: subprocess.Popen, http_url: str, log: ServerLog, timeout_s: float, headers: dict[str, str] | None = None
) -> list[ModelState]:
    """Returns the READY models, or raises ServerStartError once a model has failed to load,
    the server exits, or `timeout_s` passes. `headers`: the operator key's, when there is one."""
    deadline = time.monotonic() + timeout_s
    probe = HttpProbe(http_url, headers or {})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.wait_closed(timeout_s=5)
            raise _error(f"tritonserver exited with status {process.returncode} before it was ready", log)
        try:
            if probe.is_ok("/health/live"):
                # The endpoints open only after every model was tried (all loaded at start),
                # so a model that is not READY now has failed.
                states = probe.repository_states()
                failed = [state for state in states if state.state != "READY"]
                if failed:
                    raise _error("; ".join(_failure(state, log) for state in failed), log)
                if probe.is_ok("/health/ready"):
                    return states
        except OSError:
            pass  # endpoint not up yet: the server opens it once every model has been loaded
        time.sleep(POLL_INTERVAL_S)
    raise _error(f"tritonserver was not ready after {timeout_s:.0f} s", log)


def _failure(state: ModelState, log: ServerLog) -> str:
    """The index gives a reason for models that failed to load; the log, for those never loaded (bad config)."""
    reason = state.reason or " / ".join(log.errors_about(state.name)) or "no reason given"
    return f"model '{state.name}' failed to load ({state.state}): {reason}"


def _error(message: str, log: ServerLog) -> ServerStartError:
    return ServerStartError(f"{message}\n--- last lines of the tritonserver log ---\n{log.tail(LOG_TAIL_LINES)}")
