"""What `facegate gateway` runs with: the facegate servers behind it, its own listening side, and what the
page records (served to the page at /api/config, so that one setting drives both)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from facegate.gateway.guidance import GuidanceRules
from facegate.paths import REPO_ROOT
from facegate_client import ClientOptions

CAPTURE_PAGE = REPO_ROOT / "web" / "capture"


CAPTURE_MODES = ("frames", "video")


@dataclass(frozen=True)
class CaptureSettings:
    """What the page records and sends (`mode`). "frames": `limits.max_frames` JPEG frames at `fps`, the
    server's whole frame budget, ~4.3 s at 15 fps. "video": the camera's own stream for `video_seconds`,
    as the browser's MediaRecorder encodes it (WebM VP8/VP9, or MP4 H.264), decoded by the server at its
    full frame rate."""

    mode: str = "frames"
    fps: float = 15.0
    max_width: int = 640  # frames are scaled down to this width at most (the server wants faces >= 80 px)
    jpeg_quality: float = 0.9
    lead_s: float = 0.5  # "look at the camera" before the first action: the neutral the server measures from
    guide_interval_s: float = 0.5  # one preview frame to /api/guide this often, before recording only
    guide_width: int = 320
    video_seconds: float = 4.5  # within the server's video_min_duration_s .. video_max_duration_s (1 .. 10 s)
    video_bits_per_second: int = 1_000_000  # ~0.6 MB for 4.5 s: faces stay sharp at 640x480

    def __post_init__(self) -> None:
        if self.mode not in CAPTURE_MODES:
            raise ValueError(f"capture mode must be one of {', '.join(CAPTURE_MODES)}")


@dataclass(frozen=True)
class Https:
    """PEM files: the gateway serves HTTPS (browsers open the camera only on HTTPS pages or on localhost)."""

    cert_file: Path
    key_file: Path


@dataclass(frozen=True)
class GatewayConfig:
    servers: tuple[str, ...]
    client: ClientOptions = field(default_factory=ClientOptions)
    host: str = "127.0.0.1"
    port: int = 8080
    https: Https | None = None
    demo_actions: tuple[str, ...] | None = None
    """Ask the server for this action order (demo and tests; the server must allow requested actions)."""
    max_body_bytes: int = 24 * 1024 * 1024  # one verify upload (base64 JSON); held in memory, never spooled
    max_verifications_in_flight: int = 8
    """Verify uploads read and sent upstream at once; the others wait unread in their sockets, so uploads hold
    at most this many times `max_body_bytes` (192 MiB)."""
    max_guide_bytes: int = 512 * 1024
    page_directory: Path = CAPTURE_PAGE
    capture: CaptureSettings = field(default_factory=CaptureSettings)
    guidance: GuidanceRules = field(default_factory=GuidanceRules)
