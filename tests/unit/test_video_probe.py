"""Clip checks on small synthetic clips encoded in memory: every VIDEO_* reason code, and what a good clip reports."""

from __future__ import annotations

import numpy as np
import pytest

from python_backends.decision import Reason
from python_backends.video import VideoProblem, VideoSettings
from python_backends.video.cpu_decoder import decode_cpu
from python_backends.video.probe import probe
from facegate.testdata import encode_clip, moving_frames, size_switching_clip

SETTINGS = VideoSettings(max_duration_s=3.0, min_duration_s=1.0, max_frame_pixels=320 * 240)


@pytest.fixture(scope="module")
def good_mp4() -> bytes:
    return encode_clip(moving_frames(48), fps=24)


def refused(data: bytes, settings: VideoSettings = SETTINGS) -> Reason:
    with pytest.raises(VideoProblem) as problem:
        probe(data, settings)
        decode_cpu(data, probe(data, settings), settings)
    return problem.value.reason


def test_a_good_clip_is_probed_and_decoded_at_its_rate(good_mp4):
    info = probe(good_mp4, SETTINGS)
    assert (info.container, info.codec, info.width, info.height, info.frame_count) == ("mp4", "h264", 64, 48, 48)
    assert info.duration_s == pytest.approx(2.0, abs=0.01)
    clip = decode_cpu(good_mp4, info, SETTINGS)
    assert len(clip.frames) == 48 and clip.fps == pytest.approx(24.0, rel=1e-3)
    assert (clip.width, clip.height, clip.rotation_deg) == (64, 48, 0)
    assert all(frame.shape == (48, 64, 3) and frame.dtype == np.uint8 for frame in clip.frames)


def test_webm_vp8_and_vp9_are_accepted():
    for codec in ("libvpx", "libvpx-vp9"):
        data = encode_clip(moving_frames(30), codec=codec, container="webm", fps=24)
        assert probe(data, SETTINGS).codec == {"libvpx": "vp8", "libvpx-vp9": "vp9"}[codec]


@pytest.mark.parametrize("make, reason", [
    (lambda good: b"", Reason.VIDEO_INVALID),
    (lambda good: b"\xff\xd8\xff\xe0" + bytes(200), Reason.VIDEO_INVALID),  # a JPEG
    (lambda good: encode_clip(moving_frames(48), codec="mpeg4", fps=24), Reason.VIDEO_CODEC_UNSUPPORTED),
    (lambda good: good[: len(good) // 2], Reason.VIDEO_TRUNCATED),  # MP4 index at the end: cut off
    (lambda good: encode_clip(moving_frames(48), container="webm", codec="libvpx-vp9", fps=24)[:-9000],
     Reason.VIDEO_TRUNCATED),
    (lambda good: good + bytes(SETTINGS.max_bytes), Reason.VIDEO_TOO_LARGE),
    (lambda good: encode_clip(moving_frames(4, 640, 480), fps=4), Reason.VIDEO_TOO_LARGE),
    (lambda good: encode_clip(moving_frames(96), fps=24), Reason.VIDEO_TOO_LONG),
    (lambda good: encode_clip(moving_frames(12), fps=24), Reason.VIDEO_TOO_SHORT),
])
def test_each_bad_clip_gets_its_reason(good_mp4, make, reason):
    assert refused(make(good_mp4)) is reason


def test_every_video_reason_is_covered():
    covered = {Reason.VIDEO_INVALID, Reason.VIDEO_CODEC_UNSUPPORTED, Reason.VIDEO_TRUNCATED, Reason.VIDEO_TOO_LARGE,
               Reason.VIDEO_TOO_LONG, Reason.VIDEO_TOO_SHORT}
    assert covered == {reason for reason in Reason if reason.name.startswith("VIDEO_")}


def test_too_many_frames_for_the_frame_limit_is_too_long():
    assert refused(encode_clip(moving_frames(48), fps=24), VideoSettings(max_frames=40)) is Reason.VIDEO_TOO_LONG


def test_rotation_turns_frames_upright_and_variable_timestamps_are_kept():
    upright = moving_frames(30, 64, 48)
    times = [0.05 * i + (0.02 if i % 3 == 0 and i else 0) for i in range(30)]
    stored = [np.ascontiguousarray(np.rot90(f, k=1)) for f in upright]  # stored turned by -90 deg
    data = encode_clip(stored, rotation=-90, times_s=times, fps=20)
    clip = decode_cpu(data, probe(data, SETTINGS), SETTINGS)
    assert (clip.width, clip.height, clip.rotation_deg) == (64, 48, -90)
    shown = clip.frames[10].astype(float)
    assert np.abs(shown - upright[10]).mean() < 8 < np.abs(shown - upright[10][::-1, ::-1]).mean()
    assert np.allclose(clip.times_s, times, atol=0.002)


def test_a_clip_that_switches_to_frames_over_the_pixel_limit_is_too_large():
    """The probe sees the first key frame's size; a later one may declare 4096x4096 (measured: 50 MB a
    frame once decoded, for tens of bytes an inter frame)."""
    data = size_switching_clip(moving_frames(30), moving_frames(6, 400, 300))
    assert probe(data, SETTINGS).width == 64
    assert refused(data) is Reason.VIDEO_TOO_LARGE


def test_a_clip_that_switches_size_within_the_limit_is_decoded_at_its_first_size():
    data = size_switching_clip(moving_frames(30), moving_frames(6, 128, 96))
    clip = decode_cpu(data, probe(data, SETTINGS), SETTINGS)
    assert len(clip.frames) == 36 and {frame.shape for frame in clip.frames} == {(48, 64, 3)}


def test_a_clip_whose_metadata_is_not_utf8_is_probed_and_decoded():
    """Found by fuzzing: strict metadata decoding raised UnicodeDecodeError out of av.open (an internal error
    instead of a decision)."""
    clip = encode_clip(moving_frames(48), title="facegate-title-abcd")
    data = clip.replace(b"facegate-title-abcd", b"facegate-title-\xff\xfe\xfd\xfc")
    assert len(decode_cpu(data, probe(data, SETTINGS), SETTINGS).frames) == 48


def test_a_clip_whose_codec_tag_no_decoder_knows_is_unsupported(good_mp4):
    """Found by the fuzz test: PyAV gives such a stream no codec context (AttributeError before)."""
    assert refused(good_mp4.replace(b"avc1", b"zzzz")) is Reason.VIDEO_CODEC_UNSUPPORTED
