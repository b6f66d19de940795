"""The token store of a fleet: one Redis shared by every model instance of every node.

Consuming a nonce is one atomic command, `SET facegate:nonce:<nonce> 1 NX EXAT <expiry + grace>`:
of any number of concurrent callers on any nodes, exactly one gets OK. With `replicas` > 0 the same
round trip sends `WAIT replicas`, and a nonce no replica acknowledged in time is refused as
unavailable (a failover could otherwise lose it: docs/fleet.md). Failed attempts are a
sliding window per key (a sorted set of failure times, Redis's own clock) updated by one Lua script,
which also sets the lockout key with its expiry. Every call fails fast (short timeouts, no retry
loop) and raises StoreUnavailable, so a node answers a typed refusal within a second instead of
hanging; redis-py reconnects on the next call, so service resumes by itself once Redis is back.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from python_backends.decision.attempts import AttemptPolicy
from python_backends.decision.token_store import PURGE_GRACE_S, StoreUnavailable

PREFIX = "facegate:"
TIMEOUT_S = 0.5
WAIT_MS = 300  # within TIMEOUT_S, so that WAIT answers before the socket gives up

# KEYS: failures, lockout; ARGV: window_s, limit, lockout_s, a unique member. Returns 1 when it locked out.
_RECORD_FAILURE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local window = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('EXPIRE', KEYS[1], window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'EX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
"""


@contextmanager
def _answering() -> Iterator[None]:
    """Any Redis failure (connection, timeout, read-only replica, credentials) as StoreUnavailable."""
    try:
        yield
    except redis.RedisError as error:
        raise StoreUnavailable(f"redis: {type(error).__name__}") from None


class RedisTokenStore:
    def __init__(self, url: str, ca_file: Path | None = None, replicas: int = 0, timeout_s: float = TIMEOUT_S):
        self._replicas = replicas
        tls = {"ssl_ca_certs": str(ca_file)} if ca_file is not None else {}
        self._client = redis.Redis.from_url(
            url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s, retry=Retry(NoBackoff(), 0),
            retry_on_timeout=False, **tls)
        self._record_failure = self._client.register_script(_RECORD_FAILURE)

    def consume(self, nonce: str, expires_at: float) -> bool:
        with _answering():
            pipeline = self._client.pipeline(transaction=False)
            pipeline.set(f"{PREFIX}nonce:{nonce}", b"1", nx=True, exat=int(expires_at) + PURGE_GRACE_S)
            if self._replicas:
                pipeline.wait(self._replicas, WAIT_MS)
            consumed, *acknowledged = pipeline.execute()
        if consumed and acknowledged and acknowledged[0] < self._replicas:
            raise StoreUnavailable(f"redis: {acknowledged[0]} of {self._replicas} replicas acknowledged the nonce")
        return bool(consumed)

    def lockout_left_s(self, keys: Sequence[str]) -> int:
        if not keys:
            return 0
        with _answering():
            pipeline = self._client.pipeline(transaction=False)
            for key in keys:
                pipeline.ttl(f"{PREFIX}lock:{key}")
            ttls = pipeline.execute()
        return max([0, *ttls])  # TTL: -2 no key, -1 no expiry (never set by facegate)

    def record_failure(self, keys: Sequence[str], policy: AttemptPolicy) -> tuple[str, ...]:
        locked = []
        with _answering():
            for key in keys:
                if self._record_failure(keys=[f"{PREFIX}fail:{key}", f"{PREFIX}lock:{key}"],
                                        args=[policy.window_s, policy.limit, policy.lockout_s, secrets.token_hex(8)]):
                    locked.append(key)
        return tuple(locked)

    def ping(self) -> None:
        with _answering():
            self._client.ping()

    def close(self) -> None:
        self._client.close()
