"""Typed errors, mapped from gRPC status codes carried by tritonclient's InferenceServerException."""

from __future__ import annotations

import re

from tritonclient.utils import InferenceServerException

# gRPC's own wording when no connection could be made: the request was never sent.
_NOT_CONNECTED_MARKERS = ("failed to connect to all addresses", "Connection refused", "DNS resolution failed")
# Triton 2.51 answers a missing or wrong API key (--grpc-restricted-protocol) with UNAVAILABLE.
_RESTRICTED_MARKER = "This protocol is restricted"
# facegate's challenge refuses a locked-out subscriber or device: "LOCKED_OUT: ... retry_after_s=<n>".
_LOCKED_OUT = re.compile(r"\bLOCKED_OUT\b.*\bretry_after_s=(\d+)")


class FacegateError(Exception):
    """Base of every error this client raises; `status` is the gRPC code name when one applies."""

    def __init__(self, message: str, status: str | None = None, request_id: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.request_id = request_id


class InvalidInput(FacegateError):
    """The request is malformed (found by the client before sending, or refused by the server)."""


class Unauthenticated(FacegateError):
    """Missing or wrong API key. (A TLS handshake the server refuses, e.g. a client certificate from
    another CA, reaches gRPC only as a closed connection: Unavailable.)"""


class Unavailable(FacegateError):
    """No endpoint could take the request; `verify` was possibly received: start again with a new challenge."""


class LockedOut(FacegateError):
    """`challenge` refused: the subscriber or device failed too many verifications lately, on any node of
    the fleet. Ask again after `retry_after_s` seconds; no other node will answer differently."""

    def __init__(self, message: str, retry_after_s: int, status: str | None = None,
                 request_id: str | None = None) -> None:
        super().__init__(message, status, request_id)
        self.retry_after_s = retry_after_s


class DeadlineExceeded(FacegateError):
    """The call's deadline passed; a `verify` may have been processed: start again with a new challenge."""


class ServerError(FacegateError):
    """The server failed while processing the request, or answered something this client cannot read."""


_BY_STATUS: dict[str, type[FacegateError]] = {
    "INVALID_ARGUMENT": InvalidInput,
    "OUT_OF_RANGE": InvalidInput,
    "UNAUTHENTICATED": Unauthenticated,
    "PERMISSION_DENIED": Unauthenticated,
    "UNAVAILABLE": Unavailable,
    "RESOURCE_EXHAUSTED": Unavailable,
    "DEADLINE_EXCEEDED": DeadlineExceeded,
}


def status_name(error: InferenceServerException) -> str | None:
    """'UNAVAILABLE' from tritonclient's 'StatusCode.UNAVAILABLE'."""
    status = error.status()
    return status.rsplit(".", 1)[-1] if status else None


def map_error(error: InferenceServerException, request_id: str | None = None) -> FacegateError:
    status, message = status_name(error), error.message() or str(error)
    if locked := _LOCKED_OUT.search(message):
        return LockedOut(message, int(locked.group(1)), status=status, request_id=request_id)
    kind = Unauthenticated if _RESTRICTED_MARKER in message else _BY_STATUS.get(status or "", ServerError)
    return kind(message, status=status, request_id=request_id)


def never_sent(error: InferenceServerException) -> bool:
    """True only when gRPC could not connect, so no node saw the request (safe to send elsewhere)."""
    message = error.message() or ""
    return status_name(error) == "UNAVAILABLE" and any(marker in message for marker in _NOT_CONNECTED_MARKERS)
