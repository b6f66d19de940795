"""A hostile JPEG for the tests: a progressive image whose last scan repeats (each scan is one decoding pass
over the whole image, so a small file can cost the decoder minutes)."""

from __future__ import annotations

import io

from PIL import Image


def repeated_scans(side: int, repeats: int, before_each: bytes = b"") -> tuple[bytes, int]:
    """(a grey `side` x `side` progressive JPEG with its last scan `repeats` more times, each copy after
    `before_each` (fill bytes, stray bytes: what a decoder skips), its number of scans)."""
    out = io.BytesIO()
    Image.new("RGB", (side, side), (128, 128, 128)).save(out, format="JPEG", progressive=True)
    blob = out.getvalue()
    assert blob.endswith(b"\xff\xd9")
    last_scan = blob[blob.rindex(b"\xff\xda"):-2]  # scan data never holds 0xFF 0xDA: the last scan's marker
    return blob[:-2] + (before_each + last_scan) * repeats + b"\xff\xd9", blob.count(b"\xff\xda") + repeats
