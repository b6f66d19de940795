"""Hostile images for the tests: small files that cost a decoder far more than their size says (the hostile
clip, facegate.testdata.size_switching_clip, serves make gpu-check too)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def repeated_scans(side: int, repeats: int, before_each: bytes = b"") -> tuple[bytes, int]:
    """The JPEG scan bomb (each scan is one decoding pass over the whole image): (a grey `side` x `side`
    progressive JPEG with its last scan `repeats` more times, each copy after `before_each` (fill bytes,
    stray bytes: what a decoder skips), its number of scans)."""
    out = io.BytesIO()
    Image.new("RGB", (side, side), (128, 128, 128)).save(out, format="JPEG", progressive=True)
    blob = out.getvalue()
    assert blob.endswith(b"\xff\xd9")
    last_scan = blob[blob.rindex(b"\xff\xda"):-2]  # scan data never holds 0xFF 0xDA: the last scan's marker
    return blob[:-2] + (before_each + last_scan) * repeats + b"\xff\xd9", blob.count(b"\xff\xda") + repeats


def png_chunk(kind: bytes, body: bytes) -> bytes:
    """A PNG chunk: length, type, body, CRC."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int, height: int, data: bytes, interlaced: bool = False) -> bytes:
    """An 8-bit RGB PNG whose IDAT is `data` (zlib-compressed filtered rows)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, int(interlaced))
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", data) + png_chunk(b"IEND", b"")


def overflowing_png(side: int, extra_mb: int) -> bytes:
    """The PNG bomb (a decoder inflates all of the stream): black `side` x `side` pixels, then `extra_mb`
    MB of zeros in the same compressed stream (~1 KB a MB)."""
    rows = b"".join(b"\x00" + bytes(side * 3) for _ in range(side))
    return png(side, side, zlib.compress(rows + bytes(extra_mb << 20), 9))
