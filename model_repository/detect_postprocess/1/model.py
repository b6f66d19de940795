"""Triton adapter: the detect_postprocess model (python_backends/detection/triton_postprocess.py)."""

from python_backends.detection.triton_postprocess import TritonPythonModel  # noqa: F401
