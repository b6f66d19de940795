import io
import zlib

import numpy as np
import pytest
from PIL import Image

from python_backends.image_limits import MAX_IMAGE_PIXELS, MAX_JPEG_SCANS
from python_backends.imaging.errors import ImageProblem
from python_backends.imaging.header import read_header
from tests.hostile_images import overflowing_png, png, png_chunk, repeated_scans


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


def test_a_jpeg_may_have_up_to_max_jpeg_scans():
    usual, scans = repeated_scans(64, 0)
    assert scans == 10 and read_header(usual).width == 64
    most, scans = repeated_scans(64, MAX_JPEG_SCANS - 10)
    assert scans == MAX_JPEG_SCANS and read_header(most).width == 64


@pytest.mark.parametrize("before_each", [b"", b"\xff\xff", b"\x00\x01stray", b"\xff\xd0"],
                         ids=["repeated", "after fill bytes", "after stray bytes", "after a restart marker"])
def test_a_jpeg_with_more_scans_is_refused_however_they_are_hidden(before_each):
    """The scan bomb: 1000 repeats of a scan of a 4800x4800 image, 171 KB, cost DALI 18 CPU-s to decode."""
    blob, scans = repeated_scans(64, MAX_JPEG_SCANS - 9, before_each)
    assert scans == MAX_JPEG_SCANS + 1
    with pytest.raises(ImageProblem, match=f"more than {MAX_JPEG_SCANS} scans"):
        read_header(blob)


def test_scan_markers_inside_a_segment_are_not_scans():
    """0xFF 0xDA in a comment after the frame header is the comment's text, not a scan."""
    blob, _ = repeated_scans(64, 0)
    sof = blob.index(b"\xff\xc2")
    sof_end = sof + 2 + int.from_bytes(blob[sof + 2:sof + 4], "big")
    text = b"\xff\xda" * (MAX_JPEG_SCANS + 1)
    comment = b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text
    assert read_header(blob[:sof_end] + comment + blob[sof_end:]).width == 64


def _adam7_rows(rgb: np.ndarray) -> bytes:
    """The filtered rows (filter 0) of an Adam7-interlaced image: seven sub-images, one after another."""
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    return b"".join(b"\x00" + row.tobytes() for x0, y0, dx, dy in passes for row in rgb[y0::dy, x0::dx]
                    if row.size)


def test_png_data_that_fills_its_image_is_accepted_plain_or_interlaced():
    rgb = np.random.default_rng(1).integers(0, 256, (37, 29, 3), dtype=np.uint8)
    assert read_header(_encode(29, 37, "PNG")).width == 29
    interlaced = png(29, 37, zlib.compress(_adam7_rows(rgb)), interlaced=True)
    assert read_header(interlaced).width == 29
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(interlaced)).convert("RGB")), rgb)


def test_png_data_that_inflates_past_its_image_is_refused():
    """The PNG bomb: 64x64 pixels, then 4 GB of zeros in the same stream (4 MB) cost DALI 8.8 CPU-s."""
    with pytest.raises(ImageProblem, match="inflates past its image size"):
        read_header(overflowing_png(64, 64))


def test_png_over_the_pixel_limit_is_left_to_the_size_check():
    header = read_header(png(6000, 5000, zlib.compress(bytes(256 << 20), 9)))
    assert header.pixels > MAX_IMAGE_PIXELS


def test_files_of_tiny_chunks_or_segments_are_refused_before_they_slow_the_walk():
    """600k empty PNG chunks or 2M empty JPEG comments (with the scans that make the JPEG walk run) are a
    few MiB each: the walks stop at a bound instead of looping over them in Python."""
    base = _encode(16, 16, "PNG")
    tiny = png_chunk(b"tEXt", b"")
    with pytest.raises(ImageProblem, match="more than .* chunks"):
        read_header(base[:33] + tiny * 600_000 + base[33:])
    jpeg, _ = repeated_scans(64, MAX_JPEG_SCANS)
    sof = jpeg.index(b"\xff\xc2")
    sof_end = sof + 2 + int.from_bytes(jpeg[sof + 2:sof + 4], "big")
    with pytest.raises(ImageProblem, match="more than .* segments"):
        read_header(jpeg[:sof_end] + b"\xff\xfe\x00\x02" * 2_000_000 + jpeg[sof_end:])
