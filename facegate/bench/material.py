"""The real request material the benchmark and the load test send (public test assets, in memory only).

Genuine: `turns_video` frames 374-468 (a blink, then a turn to the subject's right), the ID photo its
frame 260 as a 102x126 JPEG q30 chip stand-in (as tests/integration/test_verify.py). Impostor: the same
clip against another person's photo. Photo attack: a still frame moved slightly in front of the camera.
Bad input: a truncated frame (its header is valid, the decoder refuses it: IMAGE_CORRUPT). Video: the
whole genuine clip (96 frames at 23.98 fps) as the phone would send it, H.264 at 1 Mbit/s in an MP4,
and the same MP4 cut in half (VIDEO_TRUNCATED).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from facegate import testdata

GENUINE_ACTIONS = ("blink", "turn_right")
_CLIP_START, _CLIP_END, _BLINK = 374, 470, 386  # the turn is at frames 450-468


@dataclass(frozen=True)
class Material:
    id_photo: bytes
    genuine: tuple[bytes, ...]
    impostor_id_photo: bytes
    photo_attack: tuple[bytes, ...]
    corrupt: tuple[bytes, ...]
    genuine_video: bytes
    truncated_video: bytes

    @property
    def frames(self) -> int:
        return len(self.genuine)

    def genuine_clip(self, video: bool) -> dict[str, Any]:
        """verify's clip argument for the genuine clip: the MP4 (`video`) or the frames."""
        return {"video": self.genuine_video} if video else {"frames": self.genuine}

    def upload_bytes(self, video: bool) -> int:
        """Bytes a genuine verification sends: the ID photo and the clip."""
        return len(self.id_photo) + (len(self.genuine_video) if video else sum(map(len, self.genuine)))


def clip_indices(frames: int) -> list[int]:
    """`frames` source frames spread evenly over the genuine clip; the one nearest the blink is the blink (386)."""
    indices = np.linspace(_CLIP_START, _CLIP_END - 1, frames).round().astype(int)
    indices[np.argmin(np.abs(indices - _BLINK))] = _BLINK
    return indices.tolist()


def _moved_photo(rgb: np.ndarray, count: int) -> tuple[bytes, ...]:
    photo, rng = Image.fromarray(rgb), np.random.default_rng(7)
    frames = []
    for _ in range(count):
        moved = photo.rotate(rng.uniform(-2, 2), resample=Image.BILINEAR,
                             translate=(rng.uniform(-4, 4), rng.uniform(-3, 3)))
        frames.append(testdata.encode(np.asarray(moved)))
    return tuple(frames)


def load_material(frames: int = 16) -> Material:
    """Decodes the clip once; `frames` (8..48) frames per verify request."""
    if not 8 <= frames <= 48:
        raise ValueError("frames must be within 8..48 (the genuine clip holds 48 usable frames)")
    video = testdata.video_frames("turns_video", limit=_CLIP_END)
    genuine = tuple(testdata.encode(video[i]) for i in clip_indices(frames))
    id_photo = testdata.chip_photo(video[260], left=295)
    corrupt = genuine[:3] + (genuine[3][: len(genuine[3]) // 3],) + genuine[4:]  # a valid header, cut data
    clip = testdata.encode_clip(video[_CLIP_START:_CLIP_END], fps=testdata.TURNS_VIDEO_FPS)
    return Material(id_photo, genuine, testdata.read("obama"), _moved_photo(video[260], frames), corrupt, clip,
                    clip[: len(clip) // 2])
