"""What a clip is, from its container alone (demuxed, not decoded), and whether it is within limits.

Reading the container first answers the cheap refusals (not a video, codec, size, length) before
any frame is decoded; the clip is read from memory (a BytesIO), never from a file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import av
import numpy as np

from python_backends.decision import Reason
from python_backends.video.problems import VideoProblem
from python_backends.video.settings import VideoSettings

_EBML = b"\x1a\x45\xdf\xa3"  # Matroska / WebM
_MP4_BOXES = (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip")
# A container may declare a little more than its packets cover (edit lists, the last frame's duration).
_TRUNCATION_SLACK_S = 0.25


@dataclass(frozen=True)
class ClipInfo:
    container: str  # "mp4" | "webm"
    codec: str
    width: int  # as stored, before display rotation
    height: int
    declared_duration_s: float | None
    times_s: np.ndarray  # presentation time of each frame (its packet's), ascending, from 0

    @property
    def frame_count(self) -> int:
        return len(self.times_s)

    @property
    def duration_s(self) -> float:
        """From the first frame's start to the last frame's end (one mean frame interval after it)."""
        if self.frame_count < 2:
            return 0.0
        span = float(self.times_s[-1] - self.times_s[0])
        return span * self.frame_count / (self.frame_count - 1)


def container_kind(data: bytes) -> str:
    if data.startswith(_EBML):
        return "webm"
    if len(data) >= 8 and data[4:8] in _MP4_BOXES:
        return "mp4"
    raise VideoProblem(Reason.VIDEO_INVALID, "not an MP4 or WebM container")


def open_clip(data: bytes):
    """PyAV's container of a clip in memory. Metadata that is not UTF-8 (a damaged or hostile file) is read
    with replacement characters: strict decoding raised UnicodeDecodeError out of av.open (found by fuzzing)."""
    return av.open(io.BytesIO(data), mode="r", metadata_errors="replace")


def probe(data: bytes, settings: VideoSettings) -> ClipInfo:
    """Raises VideoProblem with the reason code of the first limit the clip breaks."""
    if not data:
        raise VideoProblem(Reason.VIDEO_INVALID, "empty video")
    if len(data) > settings.max_bytes:
        raise VideoProblem(Reason.VIDEO_TOO_LARGE, f"video exceeds {settings.max_bytes} bytes")
    kind = container_kind(data)
    try:
        container = open_clip(data)
    except (av.error.FFmpegError, EOFError) as error:  # a known signature whose container cannot be read
        raise VideoProblem(Reason.VIDEO_TRUNCATED,
                           f"{kind} container cannot be read ({type(error).__name__})") from None
    with container:
        if not container.streams.video:
            raise VideoProblem(Reason.VIDEO_INVALID, f"{kind} container without a video stream")
        stream = container.streams.video[0]
        if stream.codec_context is None:  # a codec tag FFmpeg has no decoder for (found by fuzzing)
            raise VideoProblem(Reason.VIDEO_CODEC_UNSUPPORTED, "a codec the decoder does not know")
        codec = stream.codec_context.name
        if codec not in settings.codec_names:
            raise VideoProblem(Reason.VIDEO_CODEC_UNSUPPORTED, f"codec {codec} is not one of {settings.codecs}")
        width, height = stream.codec_context.width, stream.codec_context.height
        if width * height > settings.max_frame_pixels or min(width, height) < 1:
            raise VideoProblem(Reason.VIDEO_TOO_LARGE,
                               f"{width}x{height} frames exceed {settings.max_frame_pixels} pixels")
        declared = _declared_duration(container, stream)
        if declared is not None and declared > settings.max_duration_s:
            raise VideoProblem(Reason.VIDEO_TOO_LONG, f"video lasts {declared:.1f} s, over {settings.max_duration_s} s")
        times = _packet_times(container, stream, settings)
    info = ClipInfo(kind, codec, width, height, declared, times)
    if info.duration_s > settings.max_duration_s:
        raise VideoProblem(Reason.VIDEO_TOO_LONG,
                           f"video lasts {info.duration_s:.1f} s, over {settings.max_duration_s} s")
    if declared is not None and info.duration_s < declared - _TRUNCATION_SLACK_S - 2 * _mean_interval(times):
        raise VideoProblem(Reason.VIDEO_TRUNCATED,
                           f"frames cover {info.duration_s:.2f} s of the declared {declared:.2f} s")
    if info.duration_s < settings.min_duration_s:
        raise VideoProblem(Reason.VIDEO_TOO_SHORT,
                           f"video lasts {info.duration_s:.2f} s, under {settings.min_duration_s} s")
    return info


def _declared_duration(container, stream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _packet_times(container, stream, settings: VideoSettings) -> np.ndarray:
    """Every frame's presentation time: packets arrive in decoding order, so the times are sorted."""
    times = []
    try:
        for packet in container.demux(stream):
            if packet.size == 0:
                continue
            if len(times) >= settings.max_frames:
                raise VideoProblem(Reason.VIDEO_TOO_LONG, f"video has more than {settings.max_frames} frames")
            pts = packet.pts if packet.pts is not None else packet.dts
            times.append(float(pts * packet.time_base) if pts is not None else np.nan)
    except (av.error.FFmpegError, EOFError):
        raise VideoProblem(Reason.VIDEO_TRUNCATED, "the container's packets end in damaged data") from None
    stamped = np.array(times, dtype=np.float64)
    if len(stamped) and not np.isfinite(stamped).all():
        raise VideoProblem(Reason.VIDEO_TRUNCATED, "frames without timestamps")
    stamped.sort()
    return stamped - stamped[0] if len(stamped) else stamped


def _mean_interval(times: np.ndarray) -> float:
    return float(np.mean(np.diff(times))) if len(times) > 1 else 0.0
