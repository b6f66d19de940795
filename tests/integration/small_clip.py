"""Cheap verification requests for the client's load and failover tests.

`small_clip()`: real, through every model: 8 frames of the public selfie clip at 320x180 (faces
~75 px, detected in every frame) and the clip's first frame as the ID photo.
`screened_clip()`: the same ID photo and 8 PNG headers declaring a 36-megapixel canvas; the server
spends the token, then answers IMAGE_TOO_LARGE from the headers alone, without running a model.
"""

from __future__ import annotations

import functools
import struct
import zlib

from facegate import testdata

SIZE = (320, 180)


@functools.lru_cache(maxsize=1)
def small_clip() -> tuple[bytes, list[bytes]]:
    """(id_photo, frames)."""
    video = testdata.video_frames("single_face_video", limit=72)
    return testdata.encode(video[0], size=SIZE), [testdata.encode(frame, size=SIZE) for frame in video[::9]]


def _png_header(width: int, height: int) -> bytes:
    ihdr = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + ihdr + struct.pack(">I", zlib.crc32(ihdr))


def screened_clip() -> tuple[bytes, list[bytes]]:
    return small_clip()[0], [_png_header(6000, 6000)] * 8
