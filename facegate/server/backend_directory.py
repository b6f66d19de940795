"""Assembling the `--backend-directory` the server runs with.

`python/` holds the wheel's Python backend with the stub for our interpreter beside it;
`onnxruntime/model.py` makes ONNX Runtime a *Python-based backend*: Triton serves every
config with `backend: "onnxruntime"` through that file when no native library is present.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from facegate.server.distribution import TritonDistribution

ONNXRUNTIME_MODEL_PY = '''"""Triton Python-based backend "onnxruntime" (written by facegate serve)."""

from python_backends.ort.triton_model import TritonPythonModel  # noqa: F401
'''

PYTHON_BACKEND_FILES = ("libtriton_python.so", "triton_python_backend_utils.py")


def assemble_backend_directory(distribution: TritonDistribution, target: Path) -> Path:
    """Fills `target` (created if needed) and returns it."""
    python = target / "python"
    python.mkdir(parents=True, exist_ok=True)
    for name in PYTHON_BACKEND_FILES:
        shutil.copy2(distribution.python_backend / name, python / name)
    shutil.copy2(distribution.python_stub, python / distribution.python_stub.name)
    onnxruntime = target / "onnxruntime"
    onnxruntime.mkdir(exist_ok=True)
    (onnxruntime / "model.py").write_text(ONNXRUNTIME_MODEL_PY)
    return target
