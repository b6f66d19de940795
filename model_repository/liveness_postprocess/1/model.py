"""Triton adapter: the liveness_postprocess model (python_backends/liveness/triton_postprocess.py)."""

from python_backends.liveness.triton_postprocess import TritonPythonModel  # noqa: F401
