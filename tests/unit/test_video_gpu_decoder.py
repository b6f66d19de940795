"""The NVDEC decoder's code (video/gpu_decoder.py) run with DALI's CPU variant of the same operator: no GPU
here. VP9 it decodes; H.264 it refuses, as NVDEC refuses a codec it lacks, so that clip takes the fallback."""

from __future__ import annotations

import numpy as np
import pytest

from facegate.testdata import encode_clip
from python_backends.decision import Reason
from python_backends.video import VideoProblem, VideoSettings
from python_backends.video.cpu_decoder import decode_cpu
from python_backends.video.frames import DALI_CPU, FFMPEG
from python_backends.video.gpu_decoder import gpu_decoder
from python_backends.video.probe import probe

SETTINGS = VideoSettings(max_duration_s=3.0, min_duration_s=1.0, max_frame_pixels=320 * 240)
dali_on_cpu = gpu_decoder(0, dali_device="cpu")


def frames(count: int, width: int = 64, height: int = 48) -> list[np.ndarray]:
    """A moving gradient, so every frame differs (with a bright top-left corner, to see a rotation)."""
    base = np.linspace(0, 200, width * height * 3).reshape(height, width, 3)
    moving = [((base + 7 * i) % 200).astype(np.uint8) for i in range(count)]
    for frame in moving:
        frame[:8, :8] = 255
    return moving


def both(data: bytes, settings: VideoSettings = SETTINGS):
    info = probe(data, settings)
    return dali_on_cpu(data, info, settings), decode_cpu(data, info, settings)


def assert_same_clip(dali, pyav, mean_levels: float) -> None:
    assert (dali.width, dali.height, dali.rotation_deg, len(dali.frames)) == \
        (pyav.width, pyav.height, pyav.rotation_deg, len(pyav.frames))
    assert np.allclose(dali.times_s, pyav.times_s, atol=0.002)
    difference = np.abs(np.stack(dali.frames).astype(float) - np.stack(pyav.frames)).mean()
    assert difference < mean_levels, difference


def test_vp9_decodes_through_dali_like_pyav():
    dali, pyav = both(encode_clip(frames(30), codec="libvpx-vp9", container="webm", fps=24))
    assert (dali.decoder, pyav.decoder) == (DALI_CPU, FFMPEG)
    assert_same_clip(dali, pyav, mean_levels=2.0)  # YUV -> RGB by another conversion


def test_dali_scales_to_the_analysis_size():
    dali, pyav = both(encode_clip(frames(30, 128, 96), codec="libvpx-vp9", container="webm", fps=24),
                      VideoSettings(max_duration_s=3.0, analysis_side=64))
    assert (dali.width, dali.height) == (64, 48)
    assert_same_clip(dali, pyav, mean_levels=4.0)  # and another filter


def test_the_display_rotation_is_applied_once():
    upright = frames(30)
    stored = [np.ascontiguousarray(np.rot90(frame, k=-1)) for frame in upright]  # turned 90 deg clockwise
    dali, pyav = both(encode_clip(stored, codec="libvpx-vp9", container="mp4", fps=24, rotation=90))
    assert (dali.width, dali.height, dali.rotation_deg) == (64, 48, 90)
    assert_same_clip(dali, pyav, mean_levels=2.0)
    assert dali.frames[0][:8, :8].mean() > 240  # the corner back where it was recorded


def test_a_codec_dali_refuses_is_decoded_by_ffmpeg_and_says_so():
    data = encode_clip(frames(30), fps=24)  # H.264
    dali, pyav = both(data)
    assert dali.decoder == FFMPEG
    assert_same_clip(dali, pyav, mean_levels=1e-9)


def test_a_truncated_clip_is_still_reported_truncated():
    data = encode_clip(frames(48), codec="libvpx-vp9", container="webm", fps=24)[:-9000]
    with pytest.raises(VideoProblem) as problem:
        dali_on_cpu(data, probe(data, SETTINGS), SETTINGS)
    assert problem.value.reason is Reason.VIDEO_TRUNCATED
