"""A facegate server for measurements: this machine only, free ports, a throwaway keyring, requested
challenge actions allowed (the genuine clip performs a known order)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from facegate.paths import MODEL_REPOSITORY
from facegate.server import Device, RunningServer, ServerConfig, running_server
from facegate.server.keyring_file import temporary_keyring_file
from facegate.server.ports import free_ports
from facegate_client import ClientOptions, ModelsClient


@contextlib.contextmanager
def local_server(model_repository: Path = MODEL_REPOSITORY, device: Device = Device.AUTO) -> Iterator[RunningServer]:
    grpc_port, http_port, metrics_port = free_ports(3)
    with temporary_keyring_file() as keyring_file:
        config = ServerConfig(model_repository=model_repository, grpc_port=grpc_port, http_port=http_port,
                              metrics_port=metrics_port, address="127.0.0.1", keyring_file=keyring_file,
                              allow_requested_actions=True, device=device)
        with running_server(config) as server:
            yield server


@contextlib.contextmanager
def models_client(url: str | None, timeout_s: float = 300.0) -> Iterator[ModelsClient]:
    """A client of the models at `url`, or of a local server started for the block when `url` is None."""
    with contextlib.ExitStack() as stack:
        if url is None:
            url = stack.enter_context(local_server()).grpc_url
        yield stack.enter_context(ModelsClient(url, ClientOptions(timeout_s=timeout_s)))
