"""The server's process group: tritonserver leads it, the Python backend stubs it forks belong to it."""

from __future__ import annotations

import contextlib
import os
import signal
import time

POLL_S = 0.05


def live_members(pgid: int) -> list[int]:
    """Pids of the group's processes that are not zombies (Linux /proc)."""
    members = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue  # exited while we looked
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            members.append(int(entry))
    return members


def kill_group(pgid: int, timeout_s: float = 5.0) -> bool:
    """SIGKILL to every process left in the group; True once none is alive (delivery is asynchronous)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)
    deadline = time.monotonic() + timeout_s
    while live_members(pgid):
        if time.monotonic() > deadline:
            return False
        time.sleep(POLL_S)
    return True
