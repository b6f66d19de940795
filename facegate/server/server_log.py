"""The server's combined stdout/stderr, kept in memory (never written to disk)."""

from __future__ import annotations

import collections
import itertools
import threading
from typing import IO, Callable

MAX_LINES = 50_000


class ServerLog:
    """Drains a pipe on a daemon thread; keeps the last MAX_LINES lines; `echo` sees each line as it comes."""

    def __init__(self, pipe: IO[bytes], echo: Callable[[str], None] | None = None) -> None:
        self._lines: collections.deque[str] = collections.deque(maxlen=MAX_LINES)
        self._appended = 0  # lines ever read, including those the deque has since dropped
        self._lock = threading.Lock()
        self._echo = echo
        self._reader = threading.Thread(target=self._drain, args=(pipe,), name="tritonserver-log", daemon=True)
        self._reader.start()

    def text(self) -> str:
        with self._lock:
            return "".join(self._lines)

    def mark(self) -> int:
        """A position in the log, for `text_since`."""
        with self._lock:
            return self._appended

    def text_since(self, mark: int) -> str:
        """The lines read after `mark`; LookupError when some of them were already dropped (over MAX_LINES)."""
        with self._lock:
            first_kept = self._appended - len(self._lines)
            if mark < first_kept:
                raise LookupError(f"{first_kept - mark} lines after the mark were already dropped")
            return "".join(itertools.islice(self._lines, mark - first_kept, None))

    def tail(self, lines: int = 40) -> str:
        with self._lock:
            return "".join(list(self._lines)[-lines:])

    def errors_about(self, model: str) -> list[str]:
        """Error lines that name the model the way Triton quotes it ('name')."""
        quoted = f"'{model}'"
        with self._lock:
            return [line.strip() for line in self._lines if line.startswith("E") and quoted in line]

    def wait_closed(self, timeout_s: float) -> None:
        """Waits until the server side of the pipe is closed (all its output read)."""
        self._reader.join(timeout_s)

    def _drain(self, pipe: IO[bytes]) -> None:
        with pipe:
            for raw in pipe:
                line = raw.decode("utf-8", errors="replace")
                with self._lock:
                    self._lines.append(line)
                    self._appended += 1
                if self._echo is not None:
                    self._echo(line)
