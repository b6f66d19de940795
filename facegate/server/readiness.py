"""Waiting until the server and every model in its repository are READY."""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass

import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

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


def repository_states(client: grpcclient.InferenceServerClient) -> list[ModelState]:
    index = client.get_model_repository_index(as_json=True).get("models", [])
    return [
        ModelState(m["name"], m.get("version", ""), m.get("state", "UNKNOWN"), m.get("reason", "")) for m in index
    ]


def wait_until_ready(process: subprocess.Popen, grpc_url: str, log: ServerLog, timeout_s: float) -> list[ModelState]:
    """Returns the READY models, or raises ServerStartError once a model has failed to load,
    the server exits, or `timeout_s` passes."""
    deadline = time.monotonic() + timeout_s
    with grpcclient.InferenceServerClient(grpc_url) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                log.wait_closed(timeout_s=5)
                raise _error(f"tritonserver exited with status {process.returncode} before it was ready", log)
            try:
                if client.is_server_live():
                    # Without model control the endpoints open only after every model was tried,
                    # so a model that is not READY now has failed.
                    states = repository_states(client)
                    failed = [state for state in states if state.state != "READY"]
                    if failed:
                        raise _error("; ".join(_failure(state, log) for state in failed), log)
                    if client.is_server_ready():
                        return states
            except InferenceServerException:
                pass  # endpoint not up yet: the server opens it once every model has been loaded
            time.sleep(POLL_INTERVAL_S)
    raise _error(f"tritonserver was not ready after {timeout_s:.0f} s", log)


def _failure(state: ModelState, log: ServerLog) -> str:
    """The index gives a reason for models that failed to load; the log, for those never loaded (bad config)."""
    reason = state.reason or " / ".join(log.errors_about(state.name)) or "no reason given"
    return f"model '{state.name}' failed to load ({state.state}): {reason}"


def _error(message: str, log: ServerLog) -> ServerStartError:
    return ServerStartError(f"{message}\n--- last lines of the tritonserver log ---\n{log.tail(LOG_TAIL_LINES)}")
