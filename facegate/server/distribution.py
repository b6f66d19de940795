"""Where the `nvidia-pytriton` wheel keeps the Triton server binary, its libraries and the Python backend."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path


class DistributionError(RuntimeError):
    """The installed nvidia-pytriton wheel lacks a file the server needs."""


@dataclass(frozen=True)
class TritonDistribution:
    server_binary: Path
    libraries: Path
    """`nvidia_pytriton.libs/`: the binary's and the backends' shared libraries (must be on LD_LIBRARY_PATH
    once the Python backend is copied out of the wheel, whose RPATH is relative to its own location)."""
    python_backend: Path
    """Directory with `libtriton_python.so` and `triton_python_backend_utils.py`."""
    python_stub: Path
    """`triton_python_backend_stub` built for the serving interpreter's Python version."""


def find_distribution(python_version: tuple[int, int] = sys.version_info[:2]) -> TritonDistribution:
    spec = importlib.util.find_spec("pytriton")
    if spec is None or not spec.submodule_search_locations:
        raise DistributionError("the nvidia-pytriton wheel is not installed in this environment")
    package = Path(next(iter(spec.submodule_search_locations)))
    server = package / "tritonserver"
    major, minor = python_version
    distribution = TritonDistribution(
        server_binary=server / "bin" / "tritonserver",
        libraries=package.parent / "nvidia_pytriton.libs",
        python_backend=server / "backends" / "python",
        python_stub=server / "python_backend_stubs" / f"{major}.{minor}" / "triton_python_backend_stub",
    )
    missing = [str(path) for path in vars(distribution).values() if not path.exists()]
    if missing:
        raise DistributionError(f"nvidia-pytriton is missing {', '.join(missing)}")
    return distribution
