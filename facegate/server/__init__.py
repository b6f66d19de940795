"""`facegate serve`: the tritonserver binary from the nvidia-pytriton wheel, ONNX Runtime as a Python-based backend."""

from facegate.server.config import Device, ServerConfig
from facegate.server.launcher import RunningServer, running_server
from facegate.server.readiness import ServerStartError

__all__ = ["Device", "RunningServer", "ServerConfig", "ServerStartError", "running_server"]
