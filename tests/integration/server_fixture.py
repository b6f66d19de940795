"""Starting the real Triton server for tests: on free loopback ports, stopped at the end.

The suite's session-scoped fixture (tests/conftest.py) calls `suite_server()`:

    @pytest.fixture(scope="session")
    def triton_server():
        with suite_server() as server:
            yield server
"""

from __future__ import annotations

import base64
import contextlib
import secrets
import tempfile
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
def random_keyring_file() -> Iterator[Path]:
    """A private keyring file with two random keys ("test-active" signs, "test-previous" still verifies),
    removed on exit. Tests read it back with `load_keyring({"FACEGATE_KEYRING_FILE": str(path)})`."""
    spec = ",".join(f"{kid}:{base64.b64encode(secrets.token_bytes(32)).decode()}" for kid in ("test-active", "test-previous"))
    with tempfile.TemporaryDirectory(prefix="facegate-keyring-") as directory:
        path = Path(directory) / "keyring"
        path.touch(mode=0o600)
        path.write_text(spec)
        yield path


@contextlib.contextmanager
def suite_server(model_repository: Path = MODEL_REPOSITORY, **overrides) -> Iterator[RunningServer]:
    """The server on the project's model repository (built by `facegate models build`), READY on entry,
    with a random test keyring (`server.config.keyring_file`) and requested challenge actions allowed."""
    with random_keyring_file() as keyring_file:
        config = local_config(model_repository, keyring_file=keyring_file, allow_requested_actions=True)
        with running_server(replace(config, **overrides)) as server:
            yield server
