"""Removing what launchers that died (SIGKILL, power loss) left behind, before a new server starts.

Every launcher names its private working directory after its pid (`facegate-triton-<pid>-*` in the
temp directory); servers from before the private /dev/shm also left `/dev/shm/facegate_<pid>_*`
regions holding request images. Whatever carries the pid of a process that no longer exists goes.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

WORKDIR_PREFIX = "facegate-triton-"
SHM_PREFIX = "facegate_"
_OWNER_PID = re.compile(rf"{WORKDIR_PREFIX}(\d+)-|{SHM_PREFIX}(\d+)_")


def workdir_prefix() -> str:
    """The prefix of this launcher's working directory."""
    return f"{WORKDIR_PREFIX}{os.getpid()}-"


def shm_prefix(suffix: str) -> str:
    """The prefix of this launcher's Python backend shared-memory regions."""
    return f"{SHM_PREFIX}{os.getpid()}_{suffix}_"


def remove_stale(roots: tuple[Path, ...] = (Path(tempfile.gettempdir()), Path("/dev/shm"))) -> list[Path]:
    """Removes every facegate working directory or region in `roots` whose launcher is dead; returns them."""
    removed = []
    for root in roots:
        try:
            entries = list(root.iterdir())
        except OSError:
            continue
        for entry in entries:
            owner = _OWNER_PID.match(entry.name)
            if owner is None or _alive(int(owner.group(1) or owner.group(2))):
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive, and its files are not ours to remove
    return True
