"""The token store of a single node: SQLite in a private directory.

Triton runs each Python model instance in its own stub process, so the record must live outside
them. SQLite serialises writers with a file lock: `INSERT OR IGNORE` of a nonce that is the PRIMARY
KEY succeeds for exactly one process, and each failure count runs in one IMMEDIATE transaction.
Rows are purged once their challenge has expired (plus a grace period), after which the token's
own expiry check refuses a replay. A fleet needs the shared Redis store instead.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path

from python_backends.decision.attempts import AttemptPolicy
from python_backends.decision.token_store import PURGE_GRACE_S, StoreUnavailable

DB_NAME = "nonces.sqlite3"
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, expires_at REAL NOT NULL) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS nonces_by_expiry ON nonces (expires_at)",
    "CREATE TABLE IF NOT EXISTS failures (key TEXT NOT NULL, at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS failures_by_key ON failures (key, at)",
    "CREATE TABLE IF NOT EXISTS lockouts (key TEXT PRIMARY KEY, until REAL NOT NULL) WITHOUT ROWID",
)


def private_directory(path: Path) -> Path:
    """Create `path` as 0700, or check that an existing one is ours and private."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.stat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise PermissionError(f"{path} must be a directory owned by this user with mode 0700")
    return path


class SqliteTokenStore:
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
            for statement in _SCHEMA:
                connection.execute(statement)
            os.chmod(self.path, 0o600)
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    @contextmanager
    def _transaction(self):
        """IMMEDIATE takes the write lock up front, so everything inside is one atomic step."""
        try:
            connection = self._connect()
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise StoreUnavailable(f"sqlite: {error}") from None
        try:
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    def consume(self, nonce: str, expires_at: float) -> bool:
        with self._transaction() as connection:
            now = self._clock()
            connection.execute("DELETE FROM nonces WHERE expires_at < ?", (now - PURGE_GRACE_S,))
            connection.execute("DELETE FROM lockouts WHERE until < ?", (now,))
            return connection.execute(
                "INSERT OR IGNORE INTO nonces (nonce, expires_at) VALUES (?, ?)", (nonce, expires_at)
            ).rowcount == 1

    def lockout_left_s(self, keys: Sequence[str]) -> int:
        if not keys:
            return 0
        with self._transaction() as connection:
            marks = ",".join("?" * len(keys))
            (until,) = connection.execute(f"SELECT MAX(until) FROM lockouts WHERE key IN ({marks})", tuple(keys)).fetchone()
        return max(0, int(-(-(until - self._clock()) // 1))) if until is not None else 0

    def record_failure(self, keys: Sequence[str], policy: AttemptPolicy) -> tuple[str, ...]:
        locked = []
        with self._transaction() as connection:
            now = self._clock()
            connection.execute("DELETE FROM failures WHERE at <= ?", (now - policy.window_s,))
            for key in keys:
                connection.execute("INSERT INTO failures (key, at) VALUES (?, ?)", (key, now))
                (count,) = connection.execute("SELECT COUNT(*) FROM failures WHERE key = ?", (key,)).fetchone()
                if count >= policy.limit:
                    connection.execute("INSERT OR REPLACE INTO lockouts (key, until) VALUES (?, ?)",
                                       (key, now + policy.lockout_s))
                    connection.execute("DELETE FROM failures WHERE key = ?", (key,))
                    locked.append(key)
        return tuple(locked)

    def ping(self) -> None:
        with self._transaction():
            pass

    def close(self) -> None:
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None
