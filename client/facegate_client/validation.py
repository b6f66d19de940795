"""Checks made before anything is sent, so a malformed request never costs a challenge or a model run.

The limits are the server's defaults (tests/unit/test_model_configs.py holds them equal); the server
checks again and answers with reason codes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from facegate_client.errors import InvalidInput
from facegate_client.results import Action

_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"BM")
_EBML = b"\x1a\x45\xdf\xa3"  # WebM
_MP4_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip")
_TOKEN = re.compile(r"v1\.[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


@dataclass(frozen=True)
class Limits:
    max_image_bytes: int = 8 * 1024 * 1024
    min_frames: int = 8
    max_frames: int = 64
    max_video_bytes: int = 16 * 1024 * 1024
    max_token_chars: int = 1024


def check_image(name: str, image: object, limits: Limits) -> None:
    if not isinstance(image, (bytes, bytearray, memoryview)):
        raise InvalidInput(f"{name}: expected encoded image bytes, got {type(image).__name__}")
    data = bytes(image[:8])
    if len(image) == 0:
        raise InvalidInput(f"{name}: empty")
    if len(image) > limits.max_image_bytes:
        raise InvalidInput(f"{name}: {len(image)} bytes, more than the {limits.max_image_bytes} allowed")
    if not data.startswith(_MAGIC):
        raise InvalidInput(f"{name}: not a JPEG, PNG or BMP image")


def check_frames(frames: object, limits: Limits) -> None:
    if isinstance(frames, (bytes, bytearray, memoryview, str)) or not isinstance(frames, Sequence):
        raise InvalidInput(f"frames: expected a list of encoded images, got {type(frames).__name__}")
    if not limits.min_frames <= len(frames) <= limits.max_frames:
        raise InvalidInput(f"frames: {len(frames)} frames, {limits.min_frames} to {limits.max_frames} required")
    for index, frame in enumerate(frames):
        check_image(f"frames[{index}]", frame, limits)


def check_video(video: object, limits: Limits) -> None:
    if not isinstance(video, (bytes, bytearray, memoryview)):
        raise InvalidInput(f"video: expected the clip's bytes (MP4 or WebM), got {type(video).__name__}")
    if len(video) > limits.max_video_bytes:
        raise InvalidInput(f"video: {len(video)} bytes, more than the {limits.max_video_bytes} allowed")
    head = bytes(video[:8])
    if not (head.startswith(_EBML) or head[4:8] in _MP4_BOXES):
        raise InvalidInput("video: not an MP4 or WebM clip")


def check_token(token: object, limits: Limits) -> None:
    if not isinstance(token, str):
        raise InvalidInput(f"token: expected the challenge's token string, got {type(token).__name__}")
    if len(token) > limits.max_token_chars:
        raise InvalidInput(f"token: {len(token)} characters, more than the {limits.max_token_chars} allowed")
    if not _TOKEN.fullmatch(token):
        raise InvalidInput("token: not a facegate challenge token (v1.<key id>.<payload>.<mac>)")


def check_actions(actions: object) -> None:
    if actions is None:
        return
    if isinstance(actions, (str, bytes)) or not isinstance(actions, Sequence) or not actions:
        raise InvalidInput("actions: expected a non-empty list of actions")
    allowed = {action.value for action in Action}
    for index, action in enumerate(actions):
        if action not in allowed:
            raise InvalidInput(f"actions[{index}]: {action!r} is not one of {', '.join(sorted(allowed))}")


MAX_REFERENCE_CHARS = 256


def check_reference(name: str, value: object) -> None:
    """`subject` and `device`: the carrier's opaque references (the server keeps only keyed hashes of them)."""
    if value is not None and not (isinstance(value, str) and 0 < len(value) <= MAX_REFERENCE_CHARS
                                  and value.isprintable()):
        raise InvalidInput(f"{name}: 1 to {MAX_REFERENCE_CHARS} printable characters")


def check_request_id(request_id: object) -> None:
    """Request ids travel in gRPC metadata and logs: printable, no spaces, bounded."""
    if not isinstance(request_id, str) or not _REQUEST_ID.fullmatch(request_id):
        raise InvalidInput("request_id: 1 to 64 characters from A-Z a-z 0-9 . _ : -")


def check_verify_request(id_photo: object, frames: object, video: object, token: object, limits: Limits) -> None:
    """Exactly one of `frames` and `video`."""
    check_image("id_photo", id_photo, limits)
    if (frames is None) == (video is None):
        raise InvalidInput("send the clip as frames or as a video, exactly one of them")
    if video is not None:
        check_video(video, limits)
    else:
        check_frames(frames, limits)
    check_token(token, limits)
