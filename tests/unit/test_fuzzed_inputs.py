"""Mutated uploads (random bytes overwritten, files cut short; fixed seeds): every one is decoded or refused
with its typed error, never another exception. The clip test fails on what fuzzing found first: a clip whose
metadata is not UTF-8 raised UnicodeDecodeError out of av.open (docs/api.md#limits-and-memory)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from facegate.testdata import encode, encode_clip, moving_frames
from python_backends.detection.preprocess import DetectPreprocessor
from python_backends.imaging import DecodeSettings
from python_backends.imaging.errors import InvalidImagesError
from python_backends.imaging.input_spec import DETECTOR_INPUT
from python_backends.video import VideoProblem, VideoSettings
from python_backends.video.cpu_decoder import decode_cpu
from python_backends.video.probe import probe


def mutations(seed_files: list[bytes], count: int, seed: int):
    """`count` copies of the files with 1-64 bytes overwritten (mostly in the headers), a fifth cut short."""
    rng = random.Random(seed)
    for _ in range(count):
        blob = bytearray(rng.choice(seed_files))
        for _ in range(rng.choice([1, 2, 4, 16, 64])):
            blob[rng.randrange(min(len(blob), rng.choice([64, 600, 4096, len(blob)])))] = rng.randrange(256)
        yield bytes(blob[:rng.randrange(1, len(blob))] if rng.random() < 0.2 else blob)


def test_mutated_images_are_decoded_or_refused_as_invalid_images():
    frame = moving_frames(1, 320, 240)[0]
    preprocessor = DetectPreprocessor(DETECTOR_INPUT, DecodeSettings(num_threads=1))
    outcomes = {"decoded": 0, "refused": 0}
    for blob in mutations([encode(frame, fmt) for fmt in ("JPEG", "PNG", "BMP")], 300, seed=1):
        try:
            preprocessor.run([blob])
            outcomes["decoded"] += 1
        except InvalidImagesError:
            outcomes["refused"] += 1
    assert min(outcomes.values()) > 0, outcomes


@pytest.mark.parametrize("codec, container", [("libx264", "mp4"), ("libvpx-vp9", "webm")])
def test_mutated_clips_are_decoded_or_refused_with_a_reason(codec, container):
    settings = VideoSettings()
    clip = encode_clip(moving_frames(30, 160, 120), codec=codec, container=container, fps=24)
    outcomes: dict[str, int] = {}
    for data in mutations([clip], 150, seed=2):
        try:
            decoded = decode_cpu(data, probe(data, settings), settings)
            assert {frame.shape for frame in decoded.frames} == {decoded.frames[0].shape}
            outcome = "decoded"
        except VideoProblem as problem:
            outcome = problem.reason.value
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert outcomes.get("decoded") and len(outcomes) > 1, outcomes
