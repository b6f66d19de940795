"""Every frame of a probed clip, decoded on the CPU with PyAV (FFmpeg) from memory.

DALI 2.4's CPU video decoder refuses H.264 ("Codec 27 (h264) is not supported by the CPU variant
of this operator"; VP9 it decodes), so the CPU path is FFmpeg through PyAV for every codec.
"""

from __future__ import annotations

import av
import numpy as np

from python_backends.decision import Reason
from python_backends.video.frames import FFMPEG, DecodedClip, analysis_size, upright, upright_size
from python_backends.video.probe import ClipInfo, open_clip
from python_backends.video.problems import VideoProblem
from python_backends.video.settings import VideoSettings


def decode_cpu(data: bytes, info: ClipInfo, settings: VideoSettings) -> DecodedClip:
    """Raises VideoProblem(VIDEO_TRUNCATED) when the data ends or breaks before the frames the container lists,
    VideoProblem(VIDEO_TOO_LARGE) for a frame over the pixel limit. The probe knows the size the stream
    starts at; a key frame may change it (VP9 and H.264 alike), so each frame is checked as it comes and
    scaled to the clip's analysis size (a WebM that starts at 320x240, then switches to 4096x4096, gave
    4096x4096 frames, 50 MB each: 633 MB peak for 10 of them, 13 GB for 270)."""
    width, height = analysis_size(info.width, info.height, settings.analysis_side)
    frames, times, rotation = [], [], 0
    try:
        with open_clip(data) as container:
            stream = container.streams.video[0]
            for frame in container.decode(stream):
                if len(frames) >= info.frame_count:
                    break
                if frame.width * frame.height > settings.max_frame_pixels:
                    raise VideoProblem(Reason.VIDEO_TOO_LARGE, f"frame {len(frames)} is {frame.width}x{frame.height}, "
                                                               f"over {settings.max_frame_pixels} pixels")
                rotation = frame.rotation
                # At the analysis size already, no scaling context: the same pixels at a third of the CPU
                # (0.16 ms per 640x360 frame).
                scaled = {} if (frame.width, frame.height) == (width, height) else {"width": width, "height": height}
                pixels = frame.to_ndarray(format="rgb24", **scaled)
                frames.append(upright(pixels, rotation))
                times.append(frame.time if frame.time is not None else np.nan)
    except (av.error.FFmpegError, EOFError):
        raise VideoProblem(Reason.VIDEO_TRUNCATED, f"decoding failed after {len(frames)} frames") from None
    if len(frames) < info.frame_count:
        raise VideoProblem(Reason.VIDEO_TRUNCATED, f"{len(frames)} of {info.frame_count} frames decode")
    stamped = np.array(times, dtype=np.float64)
    stamped = stamped - stamped[0] if np.isfinite(stamped).all() else info.times_s
    return DecodedClip(tuple(frames), stamped, *upright_size(width, height, rotation), rotation, FFMPEG)
