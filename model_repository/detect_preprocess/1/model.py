"""Triton adapter: the detect_preprocess model (python_backends/detection/triton_preprocess.py)."""

from python_backends.detection.triton_preprocess import TritonPythonModel  # noqa: F401
