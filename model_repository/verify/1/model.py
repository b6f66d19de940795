"""Triton adapter: the verify BLS model (python_backends/verify)."""

from python_backends.verify.triton_verify import VerifyModel as TritonPythonModel  # noqa: F401
