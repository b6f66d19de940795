"""Answer of `health()`: each endpoint's readiness as seen by this client."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EndpointHealth:
    url: str
    ready: bool
    error: str | None = None


@dataclass(frozen=True)
class Health:
    endpoints: tuple[EndpointHealth, ...]

    @property
    def ready(self) -> bool:
        """At least one endpoint can take requests."""
        return any(endpoint.ready for endpoint in self.endpoints)
