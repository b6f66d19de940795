"""Decoded clip frames: upright RGB pixels at the analysis size, and BMP for the frames sent on.

BMP is the cheapest encoding the existing image path accepts (a 54-byte header on the raw pixels),
so the frames sent to the `detect` ensemble and the chosen frames enter verify exactly as uploaded
frames do, without lossy re-encoding. Only those are encoded; screening crops the rest itself.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np
from PIL import Image


FFMPEG, NVDEC, DALI_CPU = "ffmpeg", "nvdec", "dali-cpu"  # DALI_CPU: the NVDEC path's code, tested on a CPU


@dataclass(frozen=True)
class DecodedClip:
    frames: tuple[np.ndarray, ...]  # HxWx3 uint8 RGB, upright, in presentation order
    times_s: np.ndarray  # each frame's presentation time, from 0
    width: int  # of the frames as decoded and turned upright
    height: int
    rotation_deg: int  # the display rotation applied (counter-clockwise)
    decoder: str  # which decoder produced the frames: FFMPEG, NVDEC (answered in verify's `video` section)

    @property
    def fps(self) -> float:
        """Mean frame rate (the clip may have a variable one)."""
        if len(self.times_s) < 2:
            return 0.0
        return (len(self.times_s) - 1) / float(self.times_s[-1] - self.times_s[0])


def analysis_size(width: int, height: int, longest: int) -> tuple[int, int]:
    """(width, height) scaled down so the longer side is at most `longest`, width a multiple of 4
    (BMP rows then need no padding), height even (4:2:0 chroma)."""
    scale = min(1.0, longest / max(width, height))
    return max(4, int(round(width * scale / 4)) * 4), max(2, int(round(height * scale / 2)) * 2)


def upright_size(width: int, height: int, rotation_deg: int) -> tuple[int, int]:
    """(width, height) of a frame stored at `width` x `height` once turned by `rotation_deg`."""
    return (height, width) if int(round(rotation_deg / 90)) % 2 else (width, height)


def upright(pixels: np.ndarray, rotation_deg: int) -> np.ndarray:
    """The frame as displayed: `rotation_deg` is the container's counter-clockwise display rotation."""
    turns = int(round(rotation_deg / 90)) % 4
    return np.rot90(pixels, k=turns) if turns else pixels


def bmp(rgb: np.ndarray) -> bytes:
    """A 24-bit BMP (BGR, rows bottom-up, padded to 4 bytes) of an HxWx3 RGB uint8 array (PIL's raw
    encoder swaps, flips and pads in one pass: half the CPU of doing it with numpy)."""
    height, width = rgb.shape[:2]
    stride = (width * 3 + 3) & ~3
    body = Image.fromarray(np.ascontiguousarray(rgb, dtype=np.uint8)).tobytes("raw", "BGR", stride, -1)
    header = b"BM" + struct.pack("<IHHI", 54 + len(body), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(body), 2835, 2835, 0, 0)
    return header + info + body
