"""Finding files the server may have written, for the privacy tests."""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path


def files_changed_since(roots: list[Path] | tuple[Path, ...], since: float) -> list[Path]:
    """Regular files under `roots` modified at or after `since` (epoch seconds)."""
    changed = []
    for root in roots:
        for folder, _, names in os.walk(root):
            for name in names:
                path = Path(folder, name)
                try:
                    if path.is_file() and path.stat().st_mtime >= since:
                        changed.append(path)
                except OSError:
                    continue  # removed while walking
    return changed


_PSEUDO_FILE_SYSTEMS = ("proc", "sys", "dev")


def machine_files_changed_since(since: float) -> list[Path]:
    """Every regular file on this machine modified at or after `since`: all of / but the kernel's pseudo
    file systems, and the host's /dev/shm (where an attacker with a shell or the disk would look)."""
    roots = [Path("/", name) for name in sorted(os.listdir("/")) if name not in _PSEUDO_FILE_SYSTEMS]
    return files_changed_since(roots + [Path("/dev/shm")], since)


def fragments(blob: bytes) -> list[bytes]:
    """Distinctive pieces of an image's bytes, raw and in the textual forms a log might use."""
    middle = blob[len(blob) // 2: len(blob) // 2 + 24]
    return [middle, middle.hex().encode(), base64.b64encode(middle)[:24], repr(middle)[2:30].encode()]


# Triton's glog prefix: "I1203 10:32:10.132014 1234 file.cc:473] ". Its microseconds can equal an
# embedding value printed to 5 decimals ("0.13201" in "10.132014"), so scans drop the prefix
# (anywhere: lines of two processes can interleave).
_TRITON_LOG_PREFIX = re.compile(rb"[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ [^ \]]+\] ")


def without_log_prefixes(log: bytes) -> bytes:
    """The log's messages without Triton's timestamp and source prefixes."""
    return _TRITON_LOG_PREFIX.sub(b"", log)
