"""What `facegate serve` starts: the server's settings and the command line they make."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from pathlib import Path

from facegate.paths import MODEL_REPOSITORY


class Device(enum.Enum):
    AUTO = "auto"
    """Triton's default placement: model instances on GPUs when any is visible."""
    CPU = "cpu"
    """GPUs hidden from the server, so every instance runs on the CPU."""
    GPU = "gpu"
    """Like auto, but refuse to start when no GPU is visible."""


RESTRICTED_PROTOCOLS = ("inference", "metadata", "model-config", "statistics", "shared-memory", "trace", "logging")
"""What the API key guards, on gRPC and HTTP alike. Health and the repository index stay open: the
launcher's readiness check reads them, and they reveal no data (load/unload is off in Triton's
default model-control mode)."""
_API_KEY_HEADER = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
_API_KEY_VALUE = re.compile(r"[A-Za-z0-9_.~+/-]{16,256}")


@dataclass(frozen=True)
class ApiKey:
    """Triton's restricted-protocol key: gRPC callers send it as metadata
    `triton-grpc-protocol-<header>`, HTTP callers as header `<header>`.

    Triton takes the value on its command line, so local users who can list processes see it.
    """

    header: str
    value: str = field(repr=False)

    def __post_init__(self) -> None:
        if not _API_KEY_HEADER.fullmatch(self.header):
            raise ValueError("the API key header must be a lower-case name: [a-z0-9][a-z0-9_.-]*")
        if not _API_KEY_VALUE.fullmatch(self.value):
            raise ValueError("the API key must be 16 to 256 characters from A-Z a-z 0-9 _ . ~ + / -")

    def arguments(self) -> list[str]:
        setting = f"{','.join(RESTRICTED_PROTOCOLS)}:{self.header}={self.value}"
        return [f"--grpc-restricted-protocol={setting}", f"--http-restricted-api={setting}"]


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
    api_key: ApiKey | None = None
    keyring_file: Path | None = None
    """Private (0600) file with the challenge keyring, given to the models as FACEGATE_KEYRING_FILE; None:
    the keyring comes from the inherited FACEGATE_KEYRING / FACEGATE_KEYRING_FILE (challenge and verify
    refuse to load without one)."""
    state_dir: Path | None = None
    """Private (0700) directory of the one-use challenge nonces; None: a fresh one in the server's private
    working directory, removed when the server stops (tokens then replay-protected for this run only)."""
    allow_requested_actions: bool = False
    """Demo mode: `challenge` callers may choose the action order."""
    allow_embeddings: bool = False
    """`verify` callers may ask for the embeddings in the answer."""

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
        *(config.api_key.arguments() if config.api_key else []),
    ]
