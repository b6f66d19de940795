"""Frames for `verify` from a video file, decoded on the client with PyAV (optional: `pip install av`).

The server takes encoded frames, not a video: the clip is sampled at about `fps` frames per second
(fewer when it would exceed `max_frames`) and each frame is sent as a JPEG.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from facegate_client.errors import InvalidInput
from facegate_client.validation import Limits

DEFAULT_FPS = 10.0


def frames_from_video(path: str | Path, fps: float = DEFAULT_FPS, max_frames: int = 64) -> list[bytes]:
    try:
        import av
    except ImportError:
        raise InvalidInput("video: decoding a video needs PyAV (pip install av); "
                           "or send its frames as images") from None
    try:
        with av.open(str(path), metadata_errors="replace") as container:  # a damaged title is no reason to fail
            stream = container.streams.video[0]
            sampled, next_time = [], 0.0
            for frame in container.decode(stream):
                time = float(frame.time) if frame.time is not None else len(sampled) / fps
                if time + 1e-6 >= next_time:
                    sampled.append(_jpeg(av, frame))
                    next_time += 1.0 / fps
    except (av.error.FFmpegError, IndexError, OSError) as error:
        raise InvalidInput(f"video: cannot decode {path}: {error}") from None
    if len(sampled) > max_frames:
        step = len(sampled) / max_frames
        sampled = [sampled[math.floor(index * step)] for index in range(max_frames)]
    return sampled


def _jpeg(av, frame) -> bytes:
    encoder = av.CodecContext.create("mjpeg", "w")
    encoder.width, encoder.height = frame.width, frame.height
    encoder.pix_fmt, encoder.time_base = "yuvj420p", Fraction(1, 25)
    image = frame.reformat(format="yuvj420p")
    image.pts = None
    return b"".join(bytes(packet) for packet in [*encoder.encode(image), *encoder.encode(None)])


def clip_frames(frames: Sequence[bytes] | str | os.PathLike, limits: Limits) -> Sequence[bytes]:
    """`verify`'s clip: the frames as given, or those of the video file a path names."""
    if isinstance(frames, (str, os.PathLike)):
        return frames_from_video(frames, max_frames=limits.max_frames)
    return frames
