"""What `facegate serve` starts: the server's settings and the command line they make."""

from __future__ import annotations

import enum
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from facegate.paths import MODEL_REPOSITORY
from python_backends.decision import AttemptPolicy


class Device(enum.Enum):
    AUTO = "auto"
    """Triton's default placement: model instances on GPUs when any is visible."""
    CPU = "cpu"
    """GPUs hidden from the server, so every instance runs on the CPU."""
    GPU = "gpu"
    """Like auto, but refuse to start when no GPU is visible."""


class ShmIsolation(enum.Enum):
    NAMESPACE = "namespace"
    """tritonserver in its own mount namespace with a fresh 0700 tmpfs on /dev/shm (needs unshare)."""
    POD = "pod"
    """The container's own memory-backed /dev/shm, which no other pod sees: for Kubernetes, where the
    default seccomp profile refuses unshare. The pod must run facegate alone."""


CARRIER_PROTOCOLS = ("inference", "metadata")
"""What the carrier's API key opens: the calls `challenge` and `verify` need."""
OPERATOR_PROTOCOLS = ("model-repository", "model-config", "statistics", "shared-memory", "trace", "logging")
"""What the operator key opens: model control, configuration, statistics, shared memory, tracing and logging
settings. Health (live/ready) stays open on both keys' servers, for load balancers and `facegate health`."""
MODEL_CONTROL_PROTOCOLS = ("model-repository",)
"""What a server without any key still locks: model control, which only the launcher's watchdog uses."""
CARRIER_KEY_HEADER = "x-facegate-api-key"
OPERATOR_KEY_HEADER = "x-facegate-operator-key"
_API_KEY_HEADER = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
_API_KEY_VALUE = re.compile(r"[A-Za-z0-9_.~+/-]{16,256}")


@dataclass(frozen=True)
class ApiKey:
    """A Triton restricted-protocol key: gRPC callers send it as metadata `triton-grpc-protocol-<header>`,
    HTTP callers as header `<header>`.

    Triton takes the value on its command line, so local users who can list processes see it.
    """

    header: str
    value: str = field(repr=False)

    def __post_init__(self) -> None:
        if not _API_KEY_HEADER.fullmatch(self.header):
            raise ValueError("the API key header must be a lower-case name: [a-z0-9][a-z0-9_.-]*")
        if not _API_KEY_VALUE.fullmatch(self.value):
            raise ValueError("the API key must be 16 to 256 characters from A-Z a-z 0-9 _ . ~ + / -")

    @classmethod
    def random(cls, header: str) -> ApiKey:
        return cls(header, secrets.token_urlsafe(32))

    def arguments(self, protocols: tuple[str, ...]) -> list[str]:
        setting = f"{','.join(protocols)}:{self.header}={self.value}"
        return [f"--grpc-restricted-protocol={setting}", f"--http-restricted-api={setting}"]

    def http_headers(self) -> dict[str, str]:
        return {self.header: self.value}


@dataclass(frozen=True)
class ServerTls:
    """PEM files for gRPC over TLS; with `client_ca_file`, mutual TLS: only clients presenting a
    certificate signed by that CA are let in. Triton's HTTP endpoint has no TLS: with TLS on, it
    is bound to loopback only (the launcher's readiness check uses it)."""

    cert_file: Path
    key_file: Path
    client_ca_file: Path | None = None

    def arguments(self) -> list[str]:
        arguments = ["--grpc-use-ssl=true", f"--grpc-server-cert={self.cert_file}",
                     f"--grpc-server-key={self.key_file}"]
        if self.client_ca_file is not None:
            arguments += ["--grpc-use-ssl-mutual=true", f"--grpc-root-cert={self.client_ca_file}"]
        return arguments


@dataclass(frozen=True)
class RecyclePolicy:
    limit_mb: float = 32.0
    """Shared pages one model process may keep after a burst; above it, the model is renewed once idle."""
    idle_s: float = 10.0
    """How long the server must have answered nothing first."""


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
    """The carrier key: required for inference and metadata."""
    operator_key: ApiKey | None = None
    """Required for `operator_protocols`. Without one, the launcher makes a random key only it holds
    (its watchdog reloads crashed models through model control)."""
    operator_protocols: tuple[str, ...] = OPERATOR_PROTOCOLS
    """What the operator key locks; a server without any key locks only model control."""
    tls: ServerTls | None = None
    keyring_file: Path | None = None
    """Private (0600) file with the challenge keyring, given to the models as FACEGATE_KEYRING_FILE; None:
    the keyring comes from the inherited FACEGATE_KEYRING / FACEGATE_KEYRING_FILE (challenge and verify
    refuse to load without one)."""
    state_dir: Path | None = None
    """Private (0700) directory of the one-use challenge nonces; None: a fresh one in the server's private
    working directory, removed when the server stops (tokens then replay-protected for this run only)."""
    token_store: str | None = field(default=None, repr=False)
    """redis[s]://[user:password@]host:port/db: the token and attempt store shared by a fleet (repr hides the
    password); None: SQLite in the state directory (one node)."""
    token_store_ca_file: Path | None = None
    """The CA that signed a rediss:// server's certificate."""
    token_store_replicas: int = 0
    """Redis replicas that must acknowledge a spent nonce (WAIT) before it counts: a failover then cannot lose it
    silently (docs/fleet.md)."""
    attempts: AttemptPolicy = AttemptPolicy()
    """Failed attempts per subscriber or device that lock it out, within which window, for how long."""
    readiness_port: int | None = None
    """Serve GET /ready here (Triton ready and the token store answering); None: not served."""
    allow_requested_actions: bool = False
    """Demo mode: `challenge` callers may choose the action order."""
    allow_embeddings: bool = False
    """`verify` callers may ask for the embeddings in the answer."""
    decision_only: bool = False
    """`verify` answers the decision and reason codes only (no scores, no evidence)."""
    max_connection_age_s: float | None = None
    """gRPC connections older than this are closed (GOAWAY) and clients reconnect, so that behind a
    Kubernetes Service each client's HTTP/2 connection is re-balanced over the pods as they scale
    (Triton issues #6177, #7264); None: Triton's default, connections live forever."""
    max_connection_age_grace_s: float | None = None
    """How long calls in flight on an aged connection may still run before it is closed; it must
    outlast the longest verify."""
    shm_isolation: ShmIsolation = ShmIsolation.NAMESPACE
    shm_recycling: RecyclePolicy = RecyclePolicy()
    """When an idle server renews the models whose processes kept a burst's shared memory."""

    @property
    def grpc_url(self) -> str:
        return f"{self._client_host}:{self.grpc_port}"

    @property
    def http_address(self) -> str:
        return "127.0.0.1" if self.tls else self.address

    @property
    def http_url(self) -> str:
        return f"{'127.0.0.1' if self.tls else self._client_host}:{self.http_port}"

    @property
    def metrics_url(self) -> str:
        return f"http://{self._client_host}:{self.metrics_port}/metrics"

    @property
    def _client_host(self) -> str:
        return "127.0.0.1" if self.address == "0.0.0.0" else self.address


GRPC_INFER_POOL = 0
"""gRPC request/response objects Triton keeps for reuse (its default 8): a kept request keeps the bytes
of its largest images (a cleared protobuf string keeps its capacity), so none is kept
(measured: docs/api.md#limits-and-memory)."""


def server_arguments(config: ServerConfig, backend_directory: Path, shm_prefix: str) -> list[str]:
    """tritonserver's arguments (without the binary).

    `--exit-on-error=false` keeps the server up when a model fails to load, so the launcher can
    ask it which model failed and why, then stop it. Explicit model control (every model loaded at
    start) lets the launcher's watchdog reload a model whose process died. The shared-memory
    prefix names the Python backend's regions after the launcher (they live in the server's
    private /dev/shm).
    """
    return [
        f"--model-repository={config.model_repository.resolve()}",
        f"--backend-directory={backend_directory}",
        f"--grpc-address={config.address}",
        f"--grpc-port={config.grpc_port}",
        f"--http-address={config.http_address}",
        f"--http-port={config.http_port}",
        f"--metrics-address={config.address}",
        f"--metrics-port={config.metrics_port}",
        f"--log-verbose={config.log_verbose}",
        "--exit-on-error=false",
        "--model-control-mode=explicit",
        "--load-model=*",
        f"--backend-config=python,shm-region-prefix-name={shm_prefix}",
        f"--grpc-infer-allocation-pool-size={GRPC_INFER_POOL}",
        *(config.api_key.arguments(CARRIER_PROTOCOLS) if config.api_key else []),
        *(config.operator_key.arguments(config.operator_protocols) if config.operator_key else []),
        *(config.tls.arguments() if config.tls else []),
        *_milliseconds("--grpc-max-connection-age", config.max_connection_age_s),
        *_milliseconds("--grpc-max-connection-age-grace", config.max_connection_age_grace_s),
    ]


def _milliseconds(option: str, seconds: float | None) -> list[str]:
    return [] if seconds is None else [f"{option}={round(seconds * 1000)}"]
