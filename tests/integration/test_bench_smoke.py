"""`make bench` in miniature: every part (stages, in-process, naive, served) runs for seconds and writes a
sane report. Not a timing test: the figures only have to exist and be consistent."""

from __future__ import annotations

import math

import pytest

from facegate.bench.__main__ import main

pytestmark = pytest.mark.integration


def test_bench_runs_end_to_end_and_writes_its_report(tmp_path, capsys):
    assert main(["--frames", "8", "--concurrency", "1,2", "--seconds", "2", "--warmup", "0",
                 "--sequential-seconds", "0.1", "--stage-seconds", "0.02", "--batches", "1,2",
                 "--out-dir", str(tmp_path)]) == 0
    report = (tmp_path / "benchmark.md").read_text()
    assert (tmp_path / "benchmark.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for row in ("face_antispoof (ONNX)", "(c) naive", "| (b) facegate via Triton, gRPC client | 2 users |", "open loop",
                "served / limit (a)", "served / naive (c)", "(d) ONNX Runtime in one process", "| MP4 (H.264, 96 frames, 23.98 fps) | 1 user |",
                "server CPU s / verification at saturation", "| face_detector_0_0 |", "| verify_0_0 |", "| tritonserver |"):
        assert row in report, row
    assert "failed" not in report and "REJECT" not in report and "RETRY" not in report  # genuine clips only
    ratios = [line for line in report.splitlines() if line.startswith("| served / ")]
    assert all(math.isfinite(float(line.split("|")[2])) and float(line.split("|")[2]) > 0 for line in ratios)
    assert "wrote" in capsys.readouterr().out
