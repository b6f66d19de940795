"""Every setting of the video path, overridable from verify's config.pbtxt as `video_<field>`."""

from __future__ import annotations

from dataclasses import dataclass

from python_backends.config_parameters import from_parameters

PARAMETER_PREFIX = "video_"


@dataclass(frozen=True)
class VideoSettings:
    # Limits, checked from the container before any frame is decoded.
    max_bytes: int = 16 * 1024 * 1024
    max_duration_s: float = 10.0
    min_duration_s: float = 1.0
    max_frame_pixels: int = 1920 * 1088  # 1080p; a 4K clip costs 4x the decoding for no better decision
    max_frames: int = 300  # 10 s at 30 fps, 5 s at 60 fps
    codecs: str = "h264,vp8,vp9"
    # Decoded frames are scaled (keeping the aspect ratio) so the longer side is at most this:
    # faces stay well above the landmarker's 192 px and the anti-spoofing model's 256 px crop
    # sources in a selfie, and one decoded clip stays bounded (300 x 640x360 RGB = 207 MB worst case).
    analysis_side: int = 640
    # Screening: the face detector runs on every `detect_every`-th frame (boxes in between are
    # interpolated: a head moves little in 1/4 s, and the landmarker's crop is 1.3x the box; 3 and 6
    # found the same blinks and turns on the test clips), the landmarker on every `landmark_every`-th frame
    # with a face (a blink's closed eyes last at least 3 frames at 24-30 fps), then on every frame
    # around the measured ones with eyes not open and at a turn's start and end (screening.py).
    detect_every: int = 6
    landmark_every: int = 3
    # Frames per screening call (calls run one after another): bounds what one request holds in the
    # Python backend's shared memory (32 x 192x192 float crops = 14 MB) whatever the clip's length.
    screen_batch: int = 32
    # Frames the full verify path (anti-spoofing, embedding, decision) runs on.
    selected_frames: int = 12
    # The decision thresholds counted in frames (blink length, baseline window) were set on
    # frame lists of about this rate; screening scales them to the clip's own rate.
    reference_fps: float = 12.0
    # "auto": NVDEC through DALI when a GPU is visible, else PyAV on the CPU; or "cpu" / "gpu".
    decoder: str = "auto"
    # NVDEC decodes a clip in runs of at most this many MB of frames at their stored size (DALI holds a
    # run's frames full-size on the GPU before scaling them, and its memory pool keeps the peak): 42
    # frames of 1080p a run, where the whole clip at the limits would be 1.9 GB; a 4 s 720p clip at 30 fps
    # (316 MB) takes 2 runs, a 640x360 one 1. Each run after the first decodes again from its key frame.
    gpu_decode_mb: int = 256

    def __post_init__(self) -> None:
        if not 0 < self.min_duration_s < self.max_duration_s:
            raise ValueError("need 0 < video_min_duration_s < video_max_duration_s")
        if min(self.max_bytes, self.max_frame_pixels, self.max_frames, self.analysis_side, self.detect_every,
               self.landmark_every, self.screen_batch, self.selected_frames, self.gpu_decode_mb) < 1:
            raise ValueError("video limits, analysis_side, detect_every, landmark_every, screen_batch, "
                             "selected_frames and gpu_decode_mb must be >= 1")
        if self.decoder not in ("auto", "cpu", "gpu"):
            raise ValueError("video_decoder must be auto, cpu or gpu")

    @property
    def codec_names(self) -> frozenset[str]:
        return frozenset(name.strip() for name in self.codecs.split(",") if name.strip())

    @classmethod
    def take_parameters(cls, params: dict[str, str]) -> VideoSettings:
        """Settings from the `video_*` parameters, which are removed from `params` (the rest belong to
        the decision layer); an unknown `video_*` key is an error."""
        mine = {key[len(PARAMETER_PREFIX):]: params.pop(key)
                for key in list(params) if key.startswith(PARAMETER_PREFIX)}
        return from_parameters(cls, mine)
