"""TLS (optionally mutual) and API-key settings. Keys come from the environment or a private file,
never from code or a command line."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

API_KEY_ENV = "FACEGATE_API_KEY"
API_KEY_HEADER = "x-facegate-api-key"
# Triton checks `--grpc-restricted-protocol=<protocols>:<key>=<value>` against metadata named this prefix + key.
RESTRICTED_HEADER_PREFIX = "triton-grpc-protocol-"
_HEADER_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]*")


@dataclass(frozen=True)
class Tls:
    """Paths of PEM files: the CA that signed the server's certificate (None: the system's roots),
    and for mutual TLS this client's key and certificate chain."""

    root_certificates: Path | None = None
    private_key: Path | None = None
    certificate_chain: Path | None = None

    def __post_init__(self) -> None:
        if (self.private_key is None) != (self.certificate_chain is None):
            raise ValueError("mutual TLS needs both private_key and certificate_chain")

    def client_arguments(self) -> dict[str, Any]:
        """Keyword arguments of tritonclient's InferenceServerClient."""
        paths = {
            "root_certificates": self.root_certificates,
            "private_key": self.private_key,
            "certificate_chain": self.certificate_chain,
        }
        return {"ssl": True, **{name: str(path) for name, path in paths.items() if path is not None}}


@dataclass(frozen=True)
class ApiKey:
    """`header` is the <key> of the server's --grpc-restricted-protocol setting."""

    value: str = field(repr=False)
    header: str = API_KEY_HEADER

    def __post_init__(self) -> None:
        if not self.value or not self.value.isascii() or not self.value.isprintable() or " " in self.value:
            raise ValueError("the API key must be non-empty printable ASCII without spaces")
        if not _HEADER_NAME.fullmatch(self.header):
            raise ValueError("the API key header must be a lower-case gRPC metadata name")

    @classmethod
    def from_env(cls, variable: str = API_KEY_ENV, header: str = API_KEY_HEADER) -> ApiKey:
        value = os.environ.get(variable)
        if not value:
            raise ValueError(f"environment variable {variable} is not set")
        return cls(value.strip(), header)

    @classmethod
    def from_file(cls, path: Path, header: str = API_KEY_HEADER) -> ApiKey:
        return cls(Path(path).read_text().strip(), header)

    def metadata(self) -> dict[str, str]:
        return {RESTRICTED_HEADER_PREFIX + self.header: self.value}
