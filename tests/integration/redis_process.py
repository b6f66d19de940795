"""A real redis-server (Debian's package, `make redis-server`) on a free loopback port, for tests.

Its data lives in a private temporary directory with the append-only file synced on every write,
the durability docs/fleet.md recommends, so a restarted server still knows the spent nonces.
`kill()` is a crash (SIGKILL), `pause()` a hang (SIGSTOP); `start()` / `resume()` bring it back on
the same port and data.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import redis

from facegate.server.ports import free_ports
from tests.integration.process_wait import answers_in_time

START_TIMEOUT_S = 10.0


class RedisProcess:
    def __init__(self, directory: Path, port: int, extra_arguments: tuple[str, ...] = ()) -> None:
        self.directory, self.port, self._extra = directory, port, extra_arguments
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed: run `make redis-server` (apt-get install redis-server)")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory), "--save", "",
             "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no", "--shutdown-on-sigterm", "now",
             *self._extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)
        try:
            if not answers_in_time(lambda: _pings(client), self.process, START_TIMEOUT_S, interval_s=0.05):
                raise RuntimeError(f"redis-server did not start on port {self.port}")
        finally:
            client.close()

    def kill(self) -> None:
        """A crash: SIGKILL, no chance to save anything beyond what is already synced."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def pause(self) -> None:
        """A hung server (SIGSTOP): connections open, nothing answers."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@contextlib.contextmanager
def redis_process(*extra_arguments: str) -> Iterator[RedisProcess]:
    with tempfile.TemporaryDirectory(prefix="facegate-redis-") as directory:
        server = RedisProcess(Path(directory), free_ports(1)[0], extra_arguments)
        server.start()
        try:
            yield server
        finally:
            server.stop()


def _pings(client: redis.Redis) -> bool:
    try:
        client.ping()
    except redis.AuthenticationError:  # up, and asking for the password it was given
        return True
    except redis.RedisError:
        return False
    return True
