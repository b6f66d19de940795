"""Client library for facegate: typed calls over Triton's gRPC protocol."""

from facegate_client.aio import AsyncFacegateClient
from facegate_client.client import FacegateClient
from facegate_client.errors import (
    DeadlineExceeded,
    FacegateError,
    InvalidInput,
    LockedOut,
    ServerError,
    Unauthenticated,
    Unavailable,
)
from facegate_client.health import EndpointHealth, Health
from facegate_client.ensembles import ModelsClient
from facegate_client.options import ClientOptions
from facegate_client.results import Action, Challenge, Decision, Reason, ReasonCode, VerificationResult
from facegate_client.security import ApiKey, Tls
from facegate_client.types import Face, LivenessSignals
from facegate_client.validation import Limits

__all__ = [
    "Action",
    "ApiKey",
    "AsyncFacegateClient",
    "Challenge",
    "ClientOptions",
    "DeadlineExceeded",
    "Decision",
    "EndpointHealth",
    "Face",
    "FacegateClient",
    "FacegateError",
    "Health",
    "InvalidInput",
    "Limits",
    "LockedOut",
    "LivenessSignals",
    "ModelsClient",
    "Reason",
    "ReasonCode",
    "ServerError",
    "Tls",
    "Unauthenticated",
    "Unavailable",
    "VerificationResult",
]
