"""Settings shared by FacegateClient and AsyncFacegateClient."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from facegate_client.security import ApiKey, Tls
from facegate_client.validation import Limits


@dataclass(frozen=True)
class ClientOptions:
    timeout_s: float = 30.0  # deadline of a whole call, failover included
    max_in_flight: int = 16  # calls past this wait for a slot (within their deadline)
    limits: Limits = field(default_factory=Limits)
    tls: Tls | None = None
    api_key: ApiKey | None = None
    probe_interval_s: float = 1.0  # first probe of a failed node; doubles up to max_probe_interval_s
    max_probe_interval_s: float = 30.0
    probe_timeout_s: float = 2.0

    def __post_init__(self) -> None:
        if self.timeout_s <= 0 or self.probe_timeout_s <= 0:
            raise ValueError("timeouts must be positive")
        if self.max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")

    def connection_arguments(self) -> dict:
        return self.tls.client_arguments() if self.tls else {}

    def metadata(self) -> dict[str, str]:
        return self.api_key.metadata() if self.api_key else {}


def endpoint_list(urls: str | Sequence[str]) -> list[str]:
    """'host:port' or several of them (a list, or one comma-separated string)."""
    items = urls.split(",") if isinstance(urls, str) else list(urls)
    return [url.strip() for url in items if url.strip()]
