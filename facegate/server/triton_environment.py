"""The process environment tritonserver needs when run from the wheel (GPU visibility included)."""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path
from typing import Mapping

from facegate.server.config import Device
from facegate.server.distribution import TritonDistribution

MEMORY_RETURNING_ALLOCATION = {
    # DALI sends large host allocations to a pool it never shrinks (NVIDIA/DALI#4886): from malloc instead.
    "DALI_MALLOC_POOL_THRESHOLD": str(2**40),
    # glibc: blocks of 1 MiB and more are mmapped, so freeing one gives it back to the system. A fixed
    # threshold also stops glibc raising it after the first large free (which kept every decoded frame
    # buffer of a burst resident for good).
    "MALLOC_MMAP_THRESHOLD_": str(2**20),
}
"""Memory settings for the server and its model processes: a burst of large images is given back
(measured: docs/api.md#limits-and-memory). Values already in the environment win."""

SINGLE_THREADED_BLAS = {
    # numpy's OpenBLAS starts a worker thread per extra core in every model process; after a call (the
    # pre-processing models' 3x3 inverses and alignment fits) it spins on sched_yield before sleeping.
    # Measured: -0.06 to -0.07 server CPU-s per 16-frame verification (docs/tuning.md#openblas-threads).
    "OPENBLAS_NUM_THREADS": "1",
}
"""Math settings for the server and its model processes (the models' matrices are 3x3 to 5x3: one thread is
all they use). Values already in the environment win."""


def server_environment(distribution: TritonDistribution, device: Device, base: Mapping[str, str]) -> dict[str, str]:
    """`base` plus what the server needs.

    PATH starts with this environment's `bin/`: the Python backend stub takes its interpreter
    prefix (and so its site-packages, numpy<2, python_backends) from the first `python3` on PATH.
    LD_LIBRARY_PATH starts with the wheel's libraries (the copied backend's RPATH no longer
    reaches them) and, for a shared-library Python build, this interpreter's `libpython`, so the
    stub embeds the same Python build as the environment it imports from. The allocator settings of
    MEMORY_RETURNING_ALLOCATION and SINGLE_THREADED_BLAS come first, so that an operator's own values win.
    """
    environment = {**MEMORY_RETURNING_ALLOCATION, **SINGLE_THREADED_BLAS, **base}
    environment["PATH"] = os.pathsep.join(filter(None, [str(Path(sys.prefix) / "bin"), base.get("PATH")]))
    library_dirs = [str(distribution.libraries)]
    if sysconfig.get_config_var("Py_ENABLE_SHARED") and sysconfig.get_config_var("LIBDIR"):
        library_dirs.append(sysconfig.get_config_var("LIBDIR"))
    environment["LD_LIBRARY_PATH"] = os.pathsep.join(filter(None, [*library_dirs, base.get("LD_LIBRARY_PATH")]))
    if device is Device.CPU:
        environment["CUDA_VISIBLE_DEVICES"] = ""
    return environment

