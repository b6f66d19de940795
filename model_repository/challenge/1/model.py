"""Triton adapter: the challenge issuer (python_backends/verify)."""

from python_backends.verify.triton_challenge import ChallengeModel as TritonPythonModel  # noqa: F401
