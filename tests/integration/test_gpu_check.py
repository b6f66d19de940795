"""`make gpu-check` in its CPU mode (CI has no GPU): the same script, a short load. It must find every
model's load line, agree with the in-process CPU path and print its bench rows."""

from __future__ import annotations

import pytest

from facegate.bench.gpu_check import main

pytestmark = pytest.mark.integration


def test_gpu_check_runs_in_cpu_mode(capsys):
    assert main(["--device", "cpu", "--frames", "8", "--concurrency", "1", "--seconds", "2", "--warmup", "0"]) == 0
    out = capsys.readouterr().out
    assert out.count("PASS") == 16 and "FAIL" not in out
    for line in ("face_antispoof runs on CPUExecutionProvider", "liveness_preprocess decodes with cpu decoder",
                 "verify decision (photo attack)", "16/16 checks passed"):
        assert line in out, line
    (row,) = [line for line in out.splitlines() if line.startswith("| 1 |")]
    verifications_per_s, frames_per_s = (float(cell) for cell in row.split("|")[2:4])
    assert verifications_per_s > 0 and frames_per_s == pytest.approx(8 * verifications_per_s, abs=0.1)
