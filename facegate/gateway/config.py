"""What `facegate gateway` runs with: the facegate servers behind it, its own listening side, and what the
page records (served to the page at /api/config, so that one setting drives both)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from facegate.gateway.guidance import GuidanceRules
from facegate.paths import REPO_ROOT
from facegate_client import ClientOptions

CAPTURE_PAGE = REPO_ROOT / "web" / "capture"


@dataclass(frozen=True)
class CaptureSettings:
    """The clip is `limits.max_frames` frames at `fps`: the server's whole frame budget, ~4.3 s at 15 fps."""

    mode: str = "frames"  # what the page sends; a "video" mode slots in beside it once the server takes video
    fps: float = 15.0
    max_width: int = 640  # frames are scaled down to this width at most (the server wants faces >= 80 px)
    jpeg_quality: float = 0.9
    lead_s: float = 0.5  # "look at the camera" before the first action: the neutral the server measures from
    guide_interval_s: float = 0.5  # one preview frame to /api/guide this often, before recording only
    guide_width: int = 320


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
    max_guide_bytes: int = 512 * 1024
    page_directory: Path = CAPTURE_PAGE
    capture: CaptureSettings = field(default_factory=CaptureSettings)
    guidance: GuidanceRules = field(default_factory=GuidanceRules)
