"""facegate: GPU-accelerated face verification served by NVIDIA Triton."""

__version__ = "0.1.0"
