"""What `facegate serve` starts: the server's settings and the command line they make."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from facegate.paths import MODEL_REPOSITORY


class Device(enum.Enum):
    AUTO = "auto"
    """Triton's default placement: model instances on GPUs when any is visible."""
    CPU = "cpu"
    """GPUs hidden from the server, so every instance runs on the CPU."""
    GPU = "gpu"
    """Like auto, but refuse to start when no GPU is visible."""


@dataclass(frozen=True)
class ServerConfig:
    model_repository: Path = MODEL_REPOSITORY
    grpc_port: int = 8001
    http_port: int = 8000
    metrics_port: int = 8002
    address: str = "0.0.0.0"
    device: Device = Device.AUTO
    log_verbose: int = 0
    startup_timeout_s: float = 300.0
    """How long all models may take to load before the start counts as failed."""

    @property
    def grpc_url(self) -> str:
        return f"{self._client_host}:{self.grpc_port}"

    @property
    def http_url(self) -> str:
        return f"{self._client_host}:{self.http_port}"

    @property
    def metrics_url(self) -> str:
        return f"http://{self._client_host}:{self.metrics_port}/metrics"

    @property
    def _client_host(self) -> str:
        return "127.0.0.1" if self.address == "0.0.0.0" else self.address


def server_arguments(config: ServerConfig, backend_directory: Path, shm_prefix: str) -> list[str]:
    """tritonserver's arguments (without the binary).

    `--exit-on-error=false` keeps the server up when a model fails to load, so the launcher can
    ask it which model failed and why, then stop it. The shared-memory prefix keeps the Python
    backend regions of servers running side by side apart (its default names repeat).
    """
    return [
        f"--model-repository={config.model_repository.resolve()}",
        f"--backend-directory={backend_directory}",
        f"--grpc-address={config.address}",
        f"--grpc-port={config.grpc_port}",
        f"--http-address={config.address}",
        f"--http-port={config.http_port}",
        f"--metrics-address={config.address}",
        f"--metrics-port={config.metrics_port}",
        f"--log-verbose={config.log_verbose}",
        "--exit-on-error=false",
        f"--backend-config=python,shm-region-prefix-name={shm_prefix}",
    ]
