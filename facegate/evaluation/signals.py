"""Per-frame signals of a real clip through the served detect and liveness ensembles (what verify measures).

Frames are decoded here (the test side), re-encoded in memory as a camera would send them (JPEG quality,
resolution, optional blur) and never written anywhere.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

from facegate import testdata
from facegate_client import ModelsClient

CHUNK = 16  # images per request, within the ensembles' batch limit


@dataclass(frozen=True)
class Capture:
    """How frames are re-encoded: JPEG quality, shorter side in px (None: as decoded), Gaussian blur radius."""

    quality: int = 90
    height: int | None = None
    blur_px: float = 0.0

    def encode(self, rgb: np.ndarray) -> bytes:
        image = Image.fromarray(rgb)
        if self.height is not None:
            image = image.resize((round(image.width * self.height / image.height), self.height), Image.BILINEAR)
        if self.blur_px:
            image = image.filter(ImageFilter.GaussianBlur(self.blur_px))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=self.quality)
        return out.getvalue()


@dataclass(frozen=True)
class FrameSignals:
    """The largest face of one frame (faces == 0: nothing else measured)."""

    frame: int
    faces: int
    face_px: float = float("nan")  # shorter box side
    eye_opening: float = float("nan")  # mean of both eyes' aspect ratios
    yaw_deg: float = float("nan")
    pitch_deg: float = float("nan")
    spoof_score: float = float("nan")
    sharpness: float = float("nan")


def clip_frames(asset: str, frames: Sequence[int]) -> dict[int, np.ndarray]:
    """Decoded RGB frames of a clip asset, by frame number."""
    import av  # test-side decoder only

    wanted, found = set(frames), {}
    with av.open(str(testdata.path(asset))) as container:
        for index, frame in enumerate(container.decode(video=0)):
            if index in wanted:
                found[index] = frame.to_ndarray(format="rgb24")
            if index >= max(wanted):
                break
    return found


def measure(client: ModelsClient, images: dict[int, bytes]) -> list[FrameSignals]:
    """Signals of each encoded image (key: frame number), in frame order."""
    numbers = sorted(images)
    measured: list[FrameSignals] = []
    for start in range(0, len(numbers), CHUNK):
        chunk = numbers[start:start + CHUNK]
        blobs = [images[n] for n in chunk]
        found = client.detect(blobs)
        faced = [k for k, faces in enumerate(found) if faces]
        largest = [max(found[k], key=lambda f: f.width * (f.box[3] - f.box[1])) for k in faced]
        signals = dict(zip(faced, client.liveness([blobs[k] for k in faced], largest) if faced else []))
        for k, number in enumerate(chunk):
            if k not in signals:
                measured.append(FrameSignals(number, 0))
                continue
            face, s = largest[faced.index(k)], signals[k]
            measured.append(FrameSignals(number, len(found[k]), min(face.width, face.box[3] - face.box[1]),
                                         float(np.mean(s.eye_opening)), s.yaw, s.pitch, s.spoof_score, s.sharpness))
    return measured


def measure_clip(client: ModelsClient, asset: str, frames: Sequence[int], capture: Capture = Capture(),
                 decoded: dict[int, np.ndarray] | None = None) -> list[FrameSignals]:
    decoded = decoded if decoded is not None else clip_frames(asset, frames)
    return measure(client, {n: capture.encode(decoded[n]) for n in frames if n in decoded})
