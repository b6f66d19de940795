"""Triton adapter: the liveness_preprocess model (python_backends/liveness/triton_preprocess.py)."""

from python_backends.liveness.triton_preprocess import TritonPythonModel  # noqa: F401
