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
from facegate.server.keyring_file import temporary_keyring_file
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
    """The server on the project's model repository (built by `facegate models build`), READY on entry,
    with a random test keyring (`server.config.keyring_file`) and requested challenge actions allowed."""
    with temporary_keyring_file() as keyring_file:
        config = local_config(model_repository, keyring_file=keyring_file, allow_requested_actions=True)
        with running_server(replace(config, **overrides)) as server:
            yield server


DETECT_MODELS = ("detect", "detect_preprocess", "face_detector", "detect_postprocess")
"""The `detect` ensemble and its steps: real images through real models, up in a few seconds."""


def partial_repository(root: Path, models: tuple[str, ...]) -> Path:
    """A repository under `root` (an empty private directory) linking to some of the project's models."""
    repository = root / "models"
    repository.mkdir()
    for model in models:
        (repository / model).symlink_to(MODEL_REPOSITORY / model)
    return repository


@contextlib.contextmanager
def challenge_only_server(root: Path, **overrides) -> Iterator[RunningServer]:
    """A server whose repository holds only the `challenge` model (up in seconds), for the security tests;
    `root`: an empty private directory for its repository."""
    repository = partial_repository(root, ("challenge",))
    with temporary_keyring_file() as keyring_file:
        config = local_config(repository, keyring_file=keyring_file, log_verbose=0)
        with running_server(replace(config, **overrides)) as server:
            yield server
