import io

import numpy as np
from PIL import Image

from facegate.calibration.samples import Kind, Sample, chip_stand_in, labelled_pairs, pair_kind


def sample(identity, kind, source="x"):
    return Sample(identity, kind, source, b"")


def test_pair_kinds():
    assert pair_kind(sample("a", Kind.PHOTO), sample("a", Kind.PHOTO, "y")) == "genuine"
    assert pair_kind(sample("a", Kind.CHIP), sample("a", Kind.FRAME, "y")) == "genuine"
    assert pair_kind(sample("a", Kind.PHOTO), sample("a", Kind.FRAME, "y")) == "genuine"
    # a chip made from a photo is that photo: no evidence
    assert pair_kind(sample("a", Kind.CHIP, "orl1/2"), sample("a", Kind.PHOTO, "orl1/2")) is None
    # near-duplicates of one session are no evidence either way
    assert pair_kind(sample("a", Kind.FRAME), sample("a", Kind.FRAME)) is None
    assert pair_kind(sample("a", Kind.CHIP), sample("a", Kind.CHIP)) is None
    assert pair_kind(sample("a", Kind.FRAME), sample("b", Kind.FRAME)) == "impostor"
    assert pair_kind(sample("a", Kind.CHIP), sample("b", Kind.CHIP)) == "impostor"


def test_labelled_pairs_cover_every_combination_once():
    samples = [sample("a", Kind.CHIP), sample("a", Kind.FRAME, "y"), sample("a", Kind.FRAME, "z"),
               sample("b", Kind.PHOTO)]
    pairs = labelled_pairs(samples)
    assert pairs == {"genuine": [(0, 1), (0, 2)], "impostor": [(0, 3), (1, 3), (2, 3)]}


def test_group_photo_faces_are_labelled_by_rank():
    assert Sample("multi_face#3", Kind.PHOTO, "multi_face", b"", 3).label == "multi_face#3"
    assert Sample("obama", Kind.PHOTO, "obama2", b"").label == "obama2"


def test_chip_stand_in_is_chip_sized_and_stays_inside_the_frame():
    frame = np.zeros((360, 640, 3), dtype=np.uint8)
    for center in (0.0, 320.0, 640.0):
        chip = Image.open(io.BytesIO(chip_stand_in(frame, center)))
        assert chip.size == (102, 126) and chip.format == "JPEG"
