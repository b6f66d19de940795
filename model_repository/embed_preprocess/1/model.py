"""Triton adapter: the embed_preprocess model (python_backends/alignment/triton_embed_preprocess.py)."""

from python_backends.alignment.triton_embed_preprocess import TritonPythonModel  # noqa: F401
