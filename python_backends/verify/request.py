"""The JSON documents callers send: the challenge REQUEST and verify's OPTIONS.

A malformed document is the caller's programming error and is answered with a Triton error
(INVALID_ARG), not with a decision; bad images and tokens get a decision with a reason code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from python_backends.decision.binding import MAX_REFERENCE_CHARS, valid_reference
from python_backends.errors import BackendError

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
MAX_JSON_BYTES = 4096


class RequestError(BackendError, ValueError):
    """The message names the field, never echoes the caller's data."""


def _object(raw: bytes | None, what: str, allowed: set[str]) -> dict[str, Any]:
    if raw is None or raw == b"":
        return {}
    if len(raw) > MAX_JSON_BYTES:
        raise RequestError(f"{what} exceeds {MAX_JSON_BYTES} bytes")
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # "[[[[...": 3000 bytes nest past Python's limit
        raise RequestError(f"{what} is not valid JSON") from None
    if not isinstance(document, dict):
        raise RequestError(f"{what} must be a JSON object")
    unknown = sorted(set(document) - allowed)
    if unknown:
        raise RequestError(f"{what}: unknown fields {', '.join(map(repr, unknown))}")
    return document


def _bool(document: dict[str, Any], name: str, what: str) -> bool:
    value = document.get(name, False)
    if not isinstance(value, bool):
        raise RequestError(f"{what}.{name} must be true or false")
    return value


@dataclass(frozen=True)
class ChallengeRequest:
    """mirrored: the frames will be horizontally flipped (a front camera preview); actions: demo only;
    subject, device: the carrier's opaque references the challenge is bound to (attempt limits)."""

    mirrored: bool = False
    actions: tuple[str, ...] | None = None
    subject: str | None = None
    device: str | None = None

    @classmethod
    def from_json(cls, raw: bytes | None) -> ChallengeRequest:
        document = _object(raw, "REQUEST", {"mirrored", "actions", "subject", "device"})
        actions = document.get("actions")
        if actions is not None and not (isinstance(actions, list) and all(isinstance(a, str) for a in actions)):
            raise RequestError("REQUEST.actions must be a list of action names")
        references = {name: document.get(name) for name in ("subject", "device")}
        for name, value in references.items():
            if value is not None and not valid_reference(value):
                raise RequestError(f"REQUEST.{name} must be 1 to {MAX_REFERENCE_CHARS} printable characters")
        return cls(_bool(document, "mirrored", "REQUEST"), tuple(actions) if actions is not None else None,
                   **references)


@dataclass(frozen=True)
class VerifyOptions:
    """return_embeddings: only honoured when the server allows it; request_id: echoed (generated if absent)."""

    return_embeddings: bool = False
    request_id: str | None = None

    @classmethod
    def from_json(cls, raw: bytes | None) -> VerifyOptions:
        document = _object(raw, "OPTIONS", {"return_embeddings", "request_id"})
        request_id = document.get("request_id")
        if request_id is not None and not (isinstance(request_id, str) and REQUEST_ID.fullmatch(request_id)):
            raise RequestError(f"OPTIONS.request_id must match {REQUEST_ID.pattern}")
        return cls(_bool(document, "return_embeddings", "OPTIONS"), request_id)


def token_text(raw: bytes) -> str:
    """The token as text; undecodable bytes become U+FFFD, which the token check refuses as malformed."""
    return raw.decode("utf-8", errors="replace")
