"""One use per challenge, across every model instance of a server.

Triton runs each Python model instance in its own stub process, so the record of used nonces
must live outside them: an SQLite file in a private directory. SQLite serialises writers with a
file lock, so `INSERT OR IGNORE` of a nonce that is the PRIMARY KEY succeeds for exactly one
process. Rows are purged once their challenge has expired (plus a grace period), after which
the token's own expiry check refuses a replay.

Serving from several hosts needs a shared store with the same `consume` contract (for example
Redis `SET nonce 1 NX EXAT expires_at`).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

DB_NAME = "nonces.sqlite3"
# A row outlives its challenge by this much, so a verifier that checked the expiry just before
# the deadline still finds the row when it tries to consume.
PURGE_GRACE_S = 300.0


class NonceStore(Protocol):
    def consume(self, nonce: str, expires_at: float) -> bool:
        """True the first time `nonce` is consumed, False on every later call."""


def private_directory(path: Path) -> Path:
    """Create `path` as 0700, or check that an existing one is ours and private."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.stat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise PermissionError(f"{path} must be a directory owned by this user with mode 0700")
    return path


class SqliteNonceStore:
    def __init__(self, directory: Path, clock: Callable[[], float] = time.time, busy_timeout_s: float = 10.0):
        self.path = private_directory(Path(directory)) / DB_NAME
        self._clock = clock
        self._busy_timeout_s = busy_timeout_s
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    def _connect(self) -> sqlite3.Connection:
        # A connection must not cross a fork; reopen in a child process.
        if self._connection is None or self._pid != os.getpid():
            connection = sqlite3.connect(self.path, timeout=self._busy_timeout_s, isolation_level=None)
            connection.execute(
                "CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, expires_at REAL NOT NULL) WITHOUT ROWID"
            )
            connection.execute("CREATE INDEX IF NOT EXISTS nonces_by_expiry ON nonces (expires_at)")
            os.chmod(self.path, 0o600)
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    def consume(self, nonce: str, expires_at: float) -> bool:
        connection = self._connect()
        # IMMEDIATE takes the write lock up front, so purge + insert is one atomic step.
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute("DELETE FROM nonces WHERE expires_at < ?", (self._clock() - PURGE_GRACE_S,))
            inserted = connection.execute(
                "INSERT OR IGNORE INTO nonces (nonce, expires_at) VALUES (?, ?)", (nonce, expires_at)
            ).rowcount
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return inserted == 1

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None
