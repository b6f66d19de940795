"""`make gpu-check` in its CPU mode (CI has no GPU): the same script, a short load. It must find every
model's load line, agree with the in-process CPU path (frames and the MP4) and print its bench rows."""

from __future__ import annotations

import pytest

from facegate.bench.gpu_check import main
from facegate.bench.material import load_material
from python_backends.video import VideoSettings
from python_backends.video.probe import probe

pytestmark = pytest.mark.integration


def test_gpu_check_runs_in_cpu_mode(capsys):
    assert main(["--device", "cpu", "--frames", "8", "--concurrency", "1", "--video-concurrency", "1",
                 "--seconds", "2", "--warmup", "0"]) == 0
    out = capsys.readouterr().out
    assert out.count("PASS") == 18 and "FAIL" not in out
    for line in ("face_antispoof runs on CPUExecutionProvider", "liveness_preprocess decodes with cpu decoder",
                 "verify decision (photo attack)", "VIDEO decoded by ffmpeg", "verify decision (MP4)",
                 "18/18 checks passed"):
        assert line in out, line
    frames_row, video_row = [line for line in out.splitlines() if line.startswith("| 1 |")]
    decoded = probe(load_material(8).genuine_video, VideoSettings()).frame_count
    for row, frames in ((frames_row, 8), (video_row, decoded)):
        verifications_per_s, frames_per_s = (float(cell) for cell in row.split("|")[2:4])
        rounding = 0.0005 * frames + 0.06  # of the printed verifications/s and frames/s
        assert verifications_per_s > 0 and frames_per_s == pytest.approx(frames * verifications_per_s, abs=rounding)
