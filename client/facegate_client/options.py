"""Settings shared by FacegateClient and AsyncFacegateClient."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from facegate_client.security import ApiKey, Tls
from facegate_client.validation import Limits

_MAX_MESSAGE_BYTES = 2**31 - 1  # tritonclient's own default


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
    resolve_interval_s: float = 30.0  # how often a dns:///host:port name is resolved again


    def __post_init__(self) -> None:
        if self.timeout_s <= 0 or self.probe_timeout_s <= 0 or self.resolve_interval_s <= 0:
            raise ValueError("timeouts must be positive")
        if not 0 < self.probe_interval_s <= self.max_probe_interval_s:
            raise ValueError("probe intervals must be positive, the first no longer than the largest")
        if self.max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")

    def connection_arguments(self, tls_host: str | None = None) -> dict:
        """tritonclient's keyword arguments. Its default message size limits are kept; gRPC's reconnect
        backoff (up to 120 s by default) is capped at the probe interval, so that probing a restarted
        node finds it up rather than a channel still waiting to reconnect. `tls_host`: the name the
        server certificate must carry when the node is reached by an address resolved from that name."""
        channel_args = [
            ("grpc.max_send_message_length", _MAX_MESSAGE_BYTES),
            ("grpc.max_receive_message_length", _MAX_MESSAGE_BYTES),
            ("grpc.max_reconnect_backoff_ms", int(self.max_probe_interval_s * 1000)),
        ]
        if self.tls and tls_host:
            channel_args.append(("grpc.ssl_target_name_override", tls_host))
        return {**(self.tls.client_arguments() if self.tls else {}), "channel_args": channel_args}

    def metadata(self) -> dict[str, str]:
        return self.api_key.metadata() if self.api_key else {}


def endpoint_list(urls: str | Sequence[str]) -> list[str]:
    """'host:port' or several of them (a list, or one comma-separated string)."""
    items = urls.split(",") if isinstance(urls, str) else list(urls)
    return [url.strip() for url in items if url.strip()]
