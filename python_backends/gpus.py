"""How many GPUs this process can use, from the CUDA driver itself (no DALI, no CUDA runtime to load)."""

from __future__ import annotations

import ctypes


def visible_gpu_count() -> int:
    """GPUs the CUDA driver reports (after CUDA_VISIBLE_DEVICES); 0 without a driver."""
    try:
        cuda = ctypes.CDLL("libcuda.so.1")
    except OSError:
        return 0
    count = ctypes.c_int(0)
    if cuda.cuInit(0) != 0 or cuda.cuDeviceGetCount(ctypes.byref(count)) != 0:
        return 0
    return count.value
