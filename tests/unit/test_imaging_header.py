import io

import numpy as np
import pytest
from PIL import Image

from python_backends.imaging.errors import ImageProblem
from python_backends.imaging.header import read_header


def _encode(width: int, height: int, fmt: str) -> bytes:
    rgb = np.random.default_rng(0).integers(0, 256, (height, width, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, format=fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "BMP"])
def test_reads_format_and_size(fmt):
    header = read_header(_encode(37, 21, fmt))
    assert (header.format, header.height, header.width, header.pixels) == (fmt.lower(), 21, 37, 21 * 37)


def test_progressive_jpeg_size():
    out = io.BytesIO()
    Image.new("RGB", (50, 30)).save(out, format="JPEG", progressive=True)
    assert read_header(out.getvalue()).width == 50


def test_top_down_bmp_height_is_positive():
    blob = bytearray(_encode(8, 6, "BMP"))
    blob[22:26] = (-6).to_bytes(4, "little", signed=True)
    assert read_header(bytes(blob)).height == 6


@pytest.mark.parametrize("blob, reason", [
    (b"GIF89a" + bytes(20), "not a JPEG, PNG or BMP"),
    (b"", "not a JPEG, PNG or BMP"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "truncated PNG"),
    (b"BM\x00\x00", "truncated BMP"),
])
def test_rejects_non_images_and_truncated_headers(blob, reason):
    with pytest.raises(ImageProblem, match=reason):
        read_header(blob)


def test_rejects_jpeg_cut_before_its_frame_header():
    blob = _encode(40, 40, "JPEG")
    sof = blob.index(b"\xff\xc0")
    with pytest.raises(ImageProblem, match="truncated JPEG"):
        read_header(blob[:sof + 4])
