"""No core dumps: a crashed process's memory holds customers' images, frames and embeddings.

Measured before this existed: a model process killed by SIGSEGV under a shell's `ulimit -c
unlimited` left a 117 MB `core` file in the server's working directory holding the ID photo and 9 of
the 16 frames it had been sent.

`RLIMIT_CORE` 0 (soft and hard, so the process cannot raise it again) stops the kernel writing a
core file, and a piped crash handler that honours it (systemd-coredump) drops the dump. Fork and
exec keep it: set before tritonserver's exec, it covers the server and every model process.
`PR_SET_DUMPABLE` 0 is what the kernel checks before any dump, to a file or a pipe, and it also
keeps other processes of the serving user from reading this one's memory (ptrace, /proc/PID/mem);
exec resets it, so each Python model process sets it for itself when it loads, and the capture
page's gateway when it starts.
"""

from __future__ import annotations

import ctypes
import os
import resource

PR_SET_DUMPABLE = 4


def no_core_files() -> None:
    """This process and those it starts write no core file (one system call: fine in a preexec_fn)."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def forbid_core_dumps() -> None:
    """No core file, no dump to a crash handler, no memory reads by other processes of the same user."""
    no_core_files()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"prctl(PR_SET_DUMPABLE, 0): {os.strerror(errno)}")

