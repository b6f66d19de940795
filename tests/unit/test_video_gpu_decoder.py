"""The NVDEC decoder's code (video/gpu_decoder.py) run with DALI's CPU variant of the same operator: no GPU
here. VP9 it decodes; H.264 it refuses, as NVDEC refuses a codec it lacks, so that clip takes the fallback.
Also its memory bound (a clip decoded in runs) and its pipelines kept from one clip to the next."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from facegate.testdata import encode_clip, moving_frames
from python_backends.decision import Reason
from python_backends.video import VideoProblem, VideoSettings
from python_backends.video.cpu_decoder import decode_cpu
from python_backends.video.frames import DALI_CPU, FFMPEG
from python_backends.video import gpu_decoder as gpu_decoder_module
from python_backends.video.gpu_decoder import decoding_runs, frames_per_run, gpu_decoder
from python_backends.video.probe import probe

SETTINGS = VideoSettings(max_duration_s=3.0, min_duration_s=1.0, max_frame_pixels=320 * 240)
dali_on_cpu = gpu_decoder(0, dali_device="cpu")


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
    dali, pyav = both(encode_clip(moving_frames(30), codec="libvpx-vp9", container="webm", fps=24))
    assert (dali.decoder, pyav.decoder) == (DALI_CPU, FFMPEG)
    assert_same_clip(dali, pyav, mean_levels=2.0)  # YUV -> RGB by another conversion


def test_dali_scales_to_the_analysis_size():
    dali, pyav = both(encode_clip(moving_frames(30, 128, 96), codec="libvpx-vp9", container="webm", fps=24),
                      VideoSettings(max_duration_s=3.0, analysis_side=64))
    assert (dali.width, dali.height) == (64, 48)
    assert_same_clip(dali, pyav, mean_levels=4.0)  # and another filter


def test_the_display_rotation_is_applied_once():
    upright = moving_frames(30)
    stored = [np.ascontiguousarray(np.rot90(frame, k=-1)) for frame in upright]  # turned 90 deg clockwise
    dali, pyav = both(encode_clip(stored, codec="libvpx-vp9", container="mp4", fps=24, rotation=90))
    assert (dali.width, dali.height, dali.rotation_deg) == (64, 48, 90)
    assert_same_clip(dali, pyav, mean_levels=2.0)
    assert dali.frames[0][:8, :8].mean() > 240  # the corner back where it was recorded


def test_a_codec_dali_refuses_is_decoded_by_ffmpeg_and_says_so():
    data = encode_clip(moving_frames(30), fps=24)  # H.264
    dali, pyav = both(data)
    assert dali.decoder == FFMPEG
    assert_same_clip(dali, pyav, mean_levels=1e-9)


def test_a_truncated_clip_is_still_reported_truncated():
    data = encode_clip(moving_frames(48), codec="libvpx-vp9", container="webm", fps=24)[:-9000]
    with pytest.raises(VideoProblem) as problem:
        dali_on_cpu(data, probe(data, SETTINGS), SETTINGS)
    assert problem.value.reason is Reason.VIDEO_TRUNCATED


class CountingPipelines:
    """gpu_decoder's pipelines, counted: how many were built and how many runs they made."""

    def __init__(self, monkeypatch):
        self.built, self.runs = 0, 0
        build = gpu_decoder_module._pipeline

        def counted(*args):
            self.built += 1
            pipe = build(*args)
            run = pipe.run

            def counted_run():
                self.runs += 1
                return run()

            pipe.run = counted_run
            return pipe

        monkeypatch.setattr(gpu_decoder_module, "_pipeline", counted)


def test_a_clip_over_the_memory_bound_is_decoded_in_runs_to_the_same_frames(monkeypatch):
    data = encode_clip(moving_frames(120, 128, 96), codec="libvpx-vp9", container="webm", fps=24)
    bounded = VideoSettings(max_duration_s=6.0, gpu_decode_mb=1)  # 1 MiB = 28 frames of 128x96
    info = probe(data, bounded)
    assert frames_per_run(info, bounded) == 28
    assert decoding_runs(info, bounded) == [(0, 28), (28, 56), (56, 84), (84, 112), (112, 120)]
    counting = CountingPipelines(monkeypatch)
    decode = gpu_decoder(0, dali_device="cpu")
    whole = decode(data, info, VideoSettings(max_duration_s=6.0))
    assert counting.runs == 1
    in_runs = decode(data, info, bounded)
    assert (counting.built, counting.runs) == (1, 1 + 5)  # 28+28+28+28+8 frames, one pipeline for both clips
    assert in_runs.decoder == DALI_CPU and len(in_runs.frames) == 120
    assert np.array_equal(np.stack(in_runs.frames), np.stack(whole.frames))


def test_one_pipeline_decodes_clips_of_other_sizes_one_after_another(monkeypatch):
    counting = CountingPipelines(monkeypatch)
    decode = gpu_decoder(0, dali_device="cpu")
    for width, height in ((128, 96), (64, 48), (96, 64)):
        data = encode_clip(moving_frames(30, width, height), codec="libvpx-vp9", container="webm", fps=24)
        info = probe(data, SETTINGS)
        assert_same_clip(decode(data, info, SETTINGS), decode_cpu(data, info, SETTINGS), mean_levels=2.0)
    assert counting.built == 1


def test_a_pipeline_whose_run_failed_is_not_reused(monkeypatch):
    counting = CountingPipelines(monkeypatch)
    decode = gpu_decoder(0, dali_device="cpu")
    h264 = encode_clip(moving_frames(30), fps=24)
    assert decode(h264, probe(h264, SETTINGS), SETTINGS).decoder == FFMPEG
    vp9 = encode_clip(moving_frames(30), codec="libvpx-vp9", container="webm", fps=24)
    assert decode(vp9, probe(vp9, SETTINGS), SETTINGS).decoder == DALI_CPU
    assert counting.built == 2


def test_decodes_in_flight_at_once_each_get_a_pipeline_of_their_own(monkeypatch):
    counting = CountingPipelines(monkeypatch)
    decode = gpu_decoder(0, dali_device="cpu")
    clips = [encode_clip(moving_frames(30 + 6 * i, 96, 64), codec="libvpx-vp9", container="webm", fps=24)
             for i in range(4)]
    with ThreadPoolExecutor(2) as pool:
        decoded = list(pool.map(lambda data: decode(data, probe(data, SETTINGS), SETTINGS), clips * 2))
    for data, clip in zip(clips * 2, decoded):
        assert clip.decoder == DALI_CPU
        assert_same_clip(clip, decode_cpu(data, probe(data, SETTINGS), SETTINGS), mean_levels=2.0)
    assert 1 <= counting.built <= 2
