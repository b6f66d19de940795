"""What tritonserver gets between fork and exec: a private /dev/shm, no core dumps, and death with its
launcher.

The Python backend passes every request tensor (the images themselves) through POSIX shared
memory regions, and creates them world-readable: boost fchmods them to 0644 whatever the umask.
So the server runs in its own mount namespace with a fresh 0700 tmpfs on /dev/shm: the regions
are invisible to every process outside the server, and the kernel frees them with the last
process of the namespace, however it ends. As root that is a plain mount namespace; otherwise a
user namespace that maps the serving user onto itself (needs unprivileged user namespaces).

PR_SET_PDEATHSIG makes the kernel SIGKILL tritonserver when its launcher dies, even by SIGKILL;
its Python backend stubs exit on their own once their parent is gone. RLIMIT_CORE 0, inherited by
the server and its model processes, keeps a crash's memory (request images) out of core files
(python_backends/core_dumps.py).
"""

from __future__ import annotations

import ctypes
import os
import signal
from typing import Callable

from python_backends.core_dumps import no_core_files

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x2, 0x4, 0x8
MS_REC, MS_PRIVATE = 0x4000, 0x40000
PR_SET_PDEATHSIG = 1
SHM_MOUNT = b"/dev/shm"


class NamespaceError(OSError):
    """The private /dev/shm could not be set up (no root and no unprivileged user namespaces)."""


def private_child_setup(launcher_pid: int, private_shm: bool = True) -> Callable[[], None]:
    """A `preexec_fn` for tritonserver's Popen (runs in the forked child, before exec). Without
    `private_shm` (a Kubernetes pod's own /dev/shm) only the death with the launcher and the core
    limit are set up."""
    uid, gid = os.getuid(), os.getgid()

    def setup() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        _check(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PR_SET_PDEATHSIG)")
        if os.getppid() != launcher_pid:  # the launcher died before the line above took effect
            os._exit(1)
        no_core_files()
        if not private_shm:
            return
        if uid == 0:
            _check(libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
        else:
            _check(libc.unshare(CLONE_NEWUSER | CLONE_NEWNS), "unshare(CLONE_NEWUSER | CLONE_NEWNS)")
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"{uid} {uid} 1")
            _write("/proc/self/gid_map", f"{gid} {gid} 1")
        # Mounts made from here on stay in this namespace instead of propagating back to the host.
        _check(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "making / private")
        _check(libc.mount(b"tmpfs", SHM_MOUNT, b"tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, b"mode=0700"),
               "mounting a private tmpfs on /dev/shm")

    return setup


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise NamespaceError(errno, f"{what}: {os.strerror(errno)}")


def _write(path: str, text: str) -> None:
    with open(path, "w") as file:
        file.write(text)
