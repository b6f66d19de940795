"""Starting the real Triton server for tests: on free loopback ports, stopped at the end.

The suite's session-scoped fixture (tests/conftest.py) calls `suite_server()`:

    @pytest.fixture(scope="session")
    def triton_server():
        with suite_server() as server:
            yield server
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from facegate.paths import MODEL_REPOSITORY
from facegate.server import Device, RunningServer, ServerConfig, running_server
from facegate.server.ports import free_ports


def local_config(model_repository: Path, **overrides) -> ServerConfig:
    """A config for a server only this machine reaches, on ports nobody else uses right now."""
    grpc_port, http_port, metrics_port = free_ports(3)
    config = ServerConfig(
        model_repository=model_repository,
        grpc_port=grpc_port,
        http_port=http_port,
        metrics_port=metrics_port,
        address="127.0.0.1",
        device=Device.AUTO,
        log_verbose=1,
    )
    return replace(config, **overrides)


@contextlib.contextmanager
def suite_server(model_repository: Path = MODEL_REPOSITORY, **overrides) -> Iterator[RunningServer]:
    """The server on the project's model repository (built by `facegate models build`), READY on entry."""
    with running_server(local_config(model_repository, **overrides)) as server:
        yield server
