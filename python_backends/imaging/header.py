"""Image size from the file header, read before any decoding.

Checking the header first rejects non-images and decompression bombs cheaply,
per image, before DALI (which fails a whole batch at once) sees them. For a JPEG that
includes counting its scans (one decoding pass over the image each), for a PNG bounding what its
compressed data inflates to.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

from python_backends.image_limits import MAX_IMAGE_PIXELS, MAX_JPEG_SCANS
from python_backends.imaging.errors import ImageProblem

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # by colour type: grey, RGB, palette, grey + alpha, RGBA
_INFLATE_STEP = 1 << 20
# The header walks stop here (a file of tiny chunks or markers would make them slow): encoders write a few
# dozen JPEG segments, and PNG image data in chunks of 8 KB or more (1024 in the 8 MiB an image may have).
_MAX_PNG_CHUNKS = 16384
_MAX_JPEG_MARKERS = 1024
# SOF markers carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not.
_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers without a length field: TEM, RST0-7, SOI, EOI.
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xDA)})
# A marker with a length field: 0xFF (after any 0xFF fill bytes) then a byte other than 0x00 (0xFF00 is a
# stuffed 0xFF in scan data) and the standalone TEM and RST0-7 (restart markers sit inside scans).
_SEGMENT_MARKER = re.compile(rb"\xff+([^\x00\x01\xd0-\xd7\xff])")


@dataclass(frozen=True)
class ImageHeader:
    format: str  # "jpeg" | "png" | "bmp"
    height: int
    width: int

    @property
    def pixels(self) -> int:
        return self.height * self.width


def read_header(blob: bytes) -> ImageHeader:
    """Format and stored size of an encoded JPEG/PNG/BMP image (before EXIF rotation)."""
    if blob.startswith(b"\xff\xd8"):
        return _jpeg(blob)
    if blob.startswith(_PNG_SIGNATURE):
        return _png(blob)
    if blob.startswith(b"BM"):
        return _bmp(blob)
    raise ImageProblem("not a JPEG, PNG or BMP image")


def _jpeg(blob: bytes) -> ImageHeader:
    pos = 2
    while pos + 4 <= len(blob):
        if blob[pos] != 0xFF:
            raise ImageProblem(f"corrupt JPEG header at byte {pos}")
        marker = blob[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _JPEG_STANDALONE:
            pos += 2
            continue
        (length,) = struct.unpack(">H", blob[pos + 2:pos + 4])
        if marker in _JPEG_SOF:
            if pos + 9 > len(blob):
                break
            height, width = struct.unpack(">HH", blob[pos + 5:pos + 9])
            _check_scans(blob, pos + 2 + length)
            return ImageHeader("jpeg", height, width)
        if marker == 0xDA or length < 2:  # scan data before any frame header
            raise ImageProblem("JPEG without a frame header")
        pos += 2 + length
    raise ImageProblem("truncated JPEG header")


def _png(blob: bytes) -> ImageHeader:
    if len(blob) < 29 or blob[12:16] != b"IHDR":
        raise ImageProblem("truncated PNG header")
    width, height, depth, color_type = struct.unpack(">IIBB", blob[16:26])
    _check_image_data(blob, width, height, depth * _PNG_CHANNELS.get(color_type, 4))
    return ImageHeader("png", height, width)


def _check_image_data(blob: bytes, width: int, height: int, bits_per_pixel: int) -> None:
    """Raise `ImageProblem` when the PNG's compressed image data inflates to more than its image needs.
    libpng inflates all of it, needed or not: a 4 MB PNG of 64x64 pixels whose stream goes on to 4 GB
    of zeros cost DALI 8.8 CPU-s. So it is inflated here, 1 MiB at a time, up to one byte past the need
    (about 10 ms for a 1280x720 photograph: PNG frames are rare, and a decoder inflates them anyway).
    Images over MAX_IMAGE_PIXELS are not inflated (the default size limit refuses them before any decoding);
    a truncated or malformed stream is left to the decoder."""
    if width * height > MAX_IMAGE_PIXELS:
        return
    # Filtered rows: a filter byte each, Adam7 interlacing adds fewer than 2 rows' worth of them per row.
    left = (width * height * bits_per_pixel + 7) // 8 + 4 * height + 64 + 1
    chunks, pos = [], 8
    for _ in range(_MAX_PNG_CHUNKS):
        if pos + 8 > len(blob):
            break
        length, kind = struct.unpack(">I4s", blob[pos:pos + 8])
        if kind == b"IDAT":
            chunks.append(blob[pos + 8:pos + 8 + length])
        pos += 12 + length
    else:
        raise ImageProblem(f"PNG with more than {_MAX_PNG_CHUNKS} chunks")
    inflater, data = zlib.decompressobj(), b"".join(chunks)
    try:
        while data and left > 0:
            inflated = inflater.decompress(data, min(left, _INFLATE_STEP))
            left, data = left - len(inflated), inflater.unconsumed_tail
            if not inflated:
                return
    except zlib.error:
        return
    if left <= 0:
        raise ImageProblem("PNG image data inflates past its image size")


def _check_scans(blob: bytes, pos: int) -> None:
    """Raise `ImageProblem` when the JPEG has more than MAX_JPEG_SCANS scans after `pos` (the end of its frame
    header). Reads markers as libjpeg does: bytes between markers (a scan's entropy-coded data, stray
    bytes, restart markers) are skipped up to the next marker; segments are stepped over by their length."""
    if blob.count(b"\xff\xda", pos) <= MAX_JPEG_SCANS:  # every scan starts with these bytes: the usual answer, fast
        return
    scans = 0
    for _ in range(_MAX_JPEG_MARKERS):
        found = _SEGMENT_MARKER.search(blob, pos)
        if found is None or found.group(1) == b"\xd9":  # the end, or EOI
            return
        if found.group(1) == b"\xda":
            scans += 1
            if scans > MAX_JPEG_SCANS:
                raise ImageProblem(f"JPEG with more than {MAX_JPEG_SCANS} scans")
        pos = found.end() + max(int.from_bytes(blob[found.end():found.end() + 2], "big"), 2)
    raise ImageProblem(f"JPEG with more than {_MAX_JPEG_MARKERS} segments")


def _bmp(blob: bytes) -> ImageHeader:
    if len(blob) < 26:
        raise ImageProblem("truncated BMP header")
    (dib_size,) = struct.unpack("<I", blob[14:18])
    if dib_size == 12:  # OS/2 BITMAPCOREHEADER
        width, height = struct.unpack("<HH", blob[18:22])
    else:
        width, height = struct.unpack("<ii", blob[18:26])
    return ImageHeader("bmp", abs(height), width)  # negative height = top-down rows
