"""The page's request bodies, read into memory under a size cap and parsed into typed values.

Nothing is spooled to a temporary file (form parsers do that past a size; this reads JSON only). Malformed
bodies raise the client's InvalidInput, so the gateway answers them as the client would refuse them.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from facegate_client import FacegateError, InvalidInput


class BodyTooLarge(FacegateError):
    """The request body passed the gateway's cap."""


@dataclass(frozen=True)
class VerifyUpload:
    token: str
    id_photo: bytes
    frames: tuple[bytes, ...]
    video: bytes | None = None  # the recorded clip, instead of frames


async def read_capped(chunks: AsyncIterator[bytes], declared_length: str | None, limit: int) -> bytes:
    if declared_length is not None and declared_length.isdigit() and int(declared_length) > limit:
        raise BodyTooLarge(f"the request body is over {limit} bytes")
    parts, size = [], 0
    async for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"the request body is over {limit} bytes")
        parts.append(chunk)
    return b"".join(parts)


def _object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # "[[[[...": a few KB nest past Python's limit
        raise InvalidInput("the request body is not JSON") from None
    if not isinstance(value, dict):
        raise InvalidInput("the request body is not a JSON object")
    return value


def _image(value: Any, name: str) -> bytes:
    if not isinstance(value, str):
        raise InvalidInput(f"{name}: expected a base64 string")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput(f"{name}: not valid base64") from None


def parse_challenge(body: bytes) -> bool:
    """`{"mirrored": bool}` -> mirrored. The page never chooses the actions."""
    request = _object(body or b"{}")
    if set(request) - {"mirrored"} or not isinstance(request.get("mirrored", False), bool):
        raise InvalidInput('expected {"mirrored": true|false}')
    return request.get("mirrored", False)


def parse_verify(body: bytes, mode: str) -> VerifyUpload:
    """`{"token", "id_photo": base64, "clip": CLIP}`, CLIP as the gateway's capture `mode` says:
    `{"mode": "frames", "frames": [base64, ...]}` or `{"mode": "video", "video": base64}`."""
    request = _object(body)
    clip = request.get("clip")
    if not isinstance(clip, dict) or clip.get("mode") != mode:
        raise InvalidInput(f'clip: expected {{"mode": "{mode}", ...}}')
    token = request.get("token")
    if not isinstance(token, str):
        raise InvalidInput("token: expected the challenge's token")
    id_photo = _image(request.get("id_photo"), "id_photo")
    if mode == "video":
        return VerifyUpload(token, id_photo, (), _image(clip.get("video"), "clip.video"))
    frames = clip.get("frames")
    if not isinstance(frames, list):
        raise InvalidInput("clip.frames: expected a list of base64 images")
    return VerifyUpload(token, id_photo,
                        tuple(_image(frame, f"clip.frames[{index}]") for index, frame in enumerate(frames)))
