"""Client library for facegate: typed calls over Triton's gRPC protocol."""

from facegate_client.models import ModelsClient
from facegate_client.types import Face, LivenessSignals

__all__ = ["Face", "LivenessSignals", "ModelsClient"]
