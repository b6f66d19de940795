"""What `challenge` and `verify` answer, parsed from the server's JSON into typed values.

Codes and decisions a newer server adds are kept as their raw strings (never an error): compare
with the enums (`reason.code == ReasonCode.NO_BLINK`), which are `str` subclasses.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from facegate_client.errors import ServerError


class Decision(str, enum.Enum):
    ACCEPT = "ACCEPT"  # same person, live, challenge performed
    RETRY = "RETRY"  # could not be assessed: capture again with a new challenge
    REJECT = "REJECT"  # evidence of an attack, a mismatch or a misused token


class ReasonCode(str, enum.Enum):
    """The server's stable reason codes (docs/reason-codes.md), in its precedence order."""

    TOKEN_MALFORMED = "TOKEN_MALFORMED"
    TOKEN_FORGED = "TOKEN_FORGED"
    TOKEN_UNKNOWN_KEY = "TOKEN_UNKNOWN_KEY"
    TOKEN_EXPIRED = "TOKEN_EXPIRED"
    TOKEN_REPLAYED = "TOKEN_REPLAYED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    LOCKED_OUT = "LOCKED_OUT"
    IMAGE_CORRUPT = "IMAGE_CORRUPT"
    IMAGE_TOO_LARGE = "IMAGE_TOO_LARGE"
    IMAGE_TOO_SMALL = "IMAGE_TOO_SMALL"
    REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
    VIDEO_INVALID = "VIDEO_INVALID"
    VIDEO_CODEC_UNSUPPORTED = "VIDEO_CODEC_UNSUPPORTED"
    VIDEO_TRUNCATED = "VIDEO_TRUNCATED"
    VIDEO_TOO_LARGE = "VIDEO_TOO_LARGE"
    VIDEO_TOO_LONG = "VIDEO_TOO_LONG"
    VIDEO_TOO_SHORT = "VIDEO_TOO_SHORT"
    TOO_FEW_FRAMES = "TOO_FEW_FRAMES"
    TOO_MANY_FRAMES = "TOO_MANY_FRAMES"
    NO_FACE_ID_PHOTO = "NO_FACE_ID_PHOTO"
    NO_FACE_FRAMES = "NO_FACE_FRAMES"
    MULTIPLE_FACES = "MULTIPLE_FACES"
    FACE_TOO_SMALL = "FACE_TOO_SMALL"
    IMAGE_BLURRY = "IMAGE_BLURRY"
    IDENTITY_CHANGED = "IDENTITY_CHANGED"
    SPOOF_SUSPECTED = "SPOOF_SUSPECTED"
    STATIC_SEQUENCE = "STATIC_SEQUENCE"
    NO_BLINK = "NO_BLINK"
    ACTION_MISSING = "ACTION_MISSING"
    ACTION_ORDER = "ACTION_ORDER"
    FACE_MISMATCH = "FACE_MISMATCH"


class Action(str, enum.Enum):
    """Left/right are the customer's own, whatever the camera shows."""

    BLINK = "blink"
    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"


def _known(kind: type[enum.Enum], value: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        return value


@dataclass(frozen=True)
class Challenge:
    """Show `actions` to the customer in order, record the clip, then `verify` with `token` before `expires_at`."""

    token: str
    actions: tuple[Action | str, ...]
    expires_at: int  # seconds since the epoch
    key_id: str
    mirrored: bool


@dataclass(frozen=True)
class Reason:
    code: ReasonCode | str
    decision: Decision | str
    message: str


@dataclass(frozen=True)
class VerificationResult:
    decision: Decision | str
    reasons: tuple[Reason, ...]
    request_id: str
    match_score: float | None  # cosine similarity of the ID face with the selfie face
    match_threshold: float | None
    spoof_score: float | None  # 0 live .. 1 spoof
    liveness: Mapping[str, Any]  # evidence: actions expected/detected, blinks, yaw range...
    quality: Mapping[str, Any]
    models: Mapping[str, Any]  # model names and versions that decided
    id_photo_embedding: np.ndarray | None  # only with return_embeddings, where the server allows it
    live_embedding: np.ndarray | None
    raw: Mapping[str, Any] = field(repr=False)  # the whole answer, fields this client does not know included

    @property
    def accepted(self) -> bool:
        return self.decision == Decision.ACCEPT

    @property
    def codes(self) -> tuple[ReasonCode | str, ...]:
        return tuple(reason.code for reason in self.reasons)


def _json_object(blob: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(blob)
    except (ValueError, UnicodeDecodeError):
        raise ServerError(f"the server's {what} is not JSON") from None
    if not isinstance(value, dict):
        raise ServerError(f"the server's {what} is not a JSON object")
    return value


def _number(section: Any, key: str) -> float | None:
    value = section.get(key) if isinstance(section, Mapping) else None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _vector(section: Any, key: str) -> np.ndarray | None:
    value = section.get(key) if isinstance(section, Mapping) else None
    return np.asarray(value, dtype=np.float32) if isinstance(value, list) else None


def parse_challenge(blob: bytes) -> Challenge:
    body = _json_object(blob, "challenge")
    try:
        return Challenge(
            token=str(body["token"]),
            actions=tuple(_known(Action, str(a)) for a in body["actions"]),
            expires_at=int(body["expires_at"]),
            key_id=str(body["key_id"]),
            mirrored=bool(body.get("mirrored", False)),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ServerError(f"the server's challenge lacks or mangles {error}") from None


def parse_result(blob: bytes, request_id: str) -> VerificationResult:
    body = _json_object(blob, "verification result")
    try:
        decision = _known(Decision, str(body["decision"]))
        reasons = tuple(
            Reason(_known(ReasonCode, str(r["code"])), _known(Decision, str(r.get("decision", ""))),
                   str(r.get("message", "")))
            for r in body.get("reasons", ())
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise ServerError(f"the server's verification result lacks or mangles {error}") from None
    liveness = _mapping(body.get("liveness"))
    return VerificationResult(
        decision=decision,
        reasons=reasons,
        request_id=str(body.get("request_id") or request_id),
        match_score=_number(body.get("match"), "score"),
        match_threshold=_number(body.get("match"), "threshold"),
        spoof_score=_number(liveness, "spoof_score"),
        liveness=liveness,
        quality=_mapping(body.get("quality")),
        models=_mapping(body.get("models")),
        id_photo_embedding=_vector(body.get("embeddings"), "id_photo"),
        live_embedding=_vector(body.get("embeddings"), "live"),
        raw=body,
    )
