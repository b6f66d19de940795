"""The shared record behind one-use tokens and attempt limits, and where it lives.

Every model instance of every node must see the same record, or a token spent on one node is
accepted again on another and failed attempts spread over nodes are never counted together. One
node: SQLite in its private state directory (`SqliteTokenStore`); a fleet: one Redis
(`RedisTokenStore`, `redis://` or `rediss://`). Both fail closed: a store that cannot be reached
raises StoreUnavailable, which the caller turns into a refusal, never into an acceptance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from python_backends.decision.attempts import AttemptPolicy
from python_backends.errors import BackendError

REDIS_SCHEMES = ("redis", "rediss")
# A spent nonce outlives its challenge by this much, so a verifier whose clock runs a little behind
# (or that checked the expiry just before the deadline) still finds it.
PURGE_GRACE_S = 300


class StoreUnavailable(BackendError):
    """The store did not answer (down, unreachable, read-only replica, refused credentials)."""


class TokenStore(Protocol):
    """`keys` name what attempts are counted for: `Binding.keys()`, never a subscriber's own reference."""

    def consume(self, nonce: str, expires_at: float) -> bool:
        """True the first time `nonce` is consumed, False on every later call."""

    def lockout_left_s(self, keys: Sequence[str]) -> int:
        """Whole seconds until the longest lockout among `keys` ends; 0 when none is locked out."""

    def record_failure(self, keys: Sequence[str], policy: AttemptPolicy) -> tuple[str, ...]:
        """Counts one failed attempt for each key; returns the keys this failure locked out."""

    def ping(self) -> None:
        """Returns when the store answers; raises StoreUnavailable otherwise."""


@dataclass(frozen=True)
class StoreLocation:
    """`url`: redis[s]://[user:password@]host:port/db for a fleet; None: SQLite in `state_dir` (one node).
    `ca_file`: the CA that signed a rediss:// server's certificate (default: the system's CAs);
    `replicas`: how many Redis replicas must acknowledge a spent nonce (WAIT) before it counts."""

    url: str | None = None
    ca_file: Path | None = None
    state_dir: Path | None = None
    replicas: int = 0

    def __post_init__(self) -> None:
        if self.url is not None:
            parts = urlsplit(self.url)
            if parts.scheme not in REDIS_SCHEMES or not parts.hostname:
                raise ValueError("the token store must be a redis://host:port/db or rediss://host:port/db URL")
            if self.ca_file is not None and parts.scheme != "rediss":
                raise ValueError("a token store CA file needs a rediss:// (TLS) URL")
            if self.replicas < 0:
                raise ValueError("token store replicas must be 0 or more")
        elif self.state_dir is None:
            raise ValueError("the token store needs a redis URL or a state directory")

    @property
    def shared(self) -> bool:
        return self.url is not None

    def describe(self) -> str:
        """Where the store is, without credentials (for logs and readiness answers)."""
        if self.url is None:
            return f"sqlite:{self.state_dir}"
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}{parts.path}"


def open_token_store(location: StoreLocation) -> TokenStore:
    if location.url is None:
        from python_backends.decision.sqlite_token_store import SqliteTokenStore

        return SqliteTokenStore(location.state_dir)
    from python_backends.decision.redis_token_store import RedisTokenStore  # needs the redis package

    return RedisTokenStore(location.url, location.ca_file, location.replicas)
