"""A VIDEO upload -> the frames verify runs its full path on (the seam with python_backends/verify)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from python_backends.decision import DecisionConfig
from python_backends.verify.ensembles import Faces, FaceSignals, SignalEnsembles
from python_backends.video.chosen import chosen_measurements
from python_backends.video.frames import DecodedClip, bmp
from python_backends.video.probe import ClipInfo, probe
from python_backends.video.screening import screen_frames
from python_backends.video.selection import at_frame_rate, select_frames
from python_backends.video.settings import VideoSettings

Decoder = Callable[[bytes, ClipInfo, VideoSettings], DecodedClip]


@dataclass(frozen=True)
class ChosenFrames:
    """The chosen frames (BMP, time order), what screening measured of them (faces; the largest face's
    signals, None without a face) and what the answer reports about the clip."""

    frames: tuple[bytes, ...]
    faces: tuple[Faces, ...]
    signals: tuple[FaceSignals | None, ...]
    frame_numbers: tuple[int, ...]  # in the decoded clip
    times_s: tuple[float, ...]
    decoded_frames: int
    fps: float
    codec: str
    width: int  # upright, as analysed
    height: int
    rotation_deg: int
    decoder: str  # frames.FFMPEG or frames.NVDEC


class ClipFrames:
    def __init__(self, settings: VideoSettings, config: DecisionConfig, ensembles: SignalEnsembles,
                 decoder: Decoder):
        self._settings, self._config, self._ensembles, self._decoder = settings, config, ensembles, decoder

    async def choose(self, video: bytes) -> ChosenFrames:
        """Raises VideoProblem for a refused clip, InferenceFailed when screening fails."""
        settings = self._settings
        info = probe(video, settings)
        # Decoding holds no lock Python needs (FFmpeg releases the GIL): other requests keep running.
        clip = await asyncio.to_thread(self._decoder, video, info, settings)
        screen = await screen_frames(clip.frames, self._ensembles, settings,
                                     at_frame_rate(self._config, clip.fps, settings.reference_fps))
        chosen = select_frames(screen, clip.fps, self._config, settings.selected_frames, settings.reference_fps)
        faces, signals = await chosen_measurements(clip.frames, chosen, screen, self._ensembles, settings.screen_batch)
        return ChosenFrames(tuple(bmp(clip.frames[i]) for i in chosen), tuple(faces), tuple(signals), tuple(chosen),
                            tuple(round(float(clip.times_s[i]), 3) for i in chosen), len(clip.frames),
                            round(clip.fps, 2), info.codec, clip.width, clip.height, clip.rotation_deg,
                            clip.decoder)
