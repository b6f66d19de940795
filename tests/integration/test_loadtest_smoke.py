"""`make loadtest` in miniature: locust drives the real client against the suite's server for a few
seconds; locust's CSV and HTML exist and every call type that ran succeeded with its expected decision
(from the statistics locust held when it quit)."""

from __future__ import annotations

import pytest

from facegate.bench.loadtest import main, read_summary

pytestmark = pytest.mark.integration


def test_locust_run_writes_its_reports_and_no_call_fails(triton_server, tmp_path, capsys):
    assert main(["--host", triton_server.grpc_url, "--users", "2", "--spawn-rate", "2", "--run-time", "6s",
                 "--frames", "8", "--out-dir", str(tmp_path)]) == 0
    calls, failures = read_summary(tmp_path / "summary.json")
    stats = {row.name: row for row in calls}
    assert (tmp_path / "locust.html").stat().st_size > 1000 and (tmp_path / "locust_stats.csv").exists()
    assert stats["challenge"].requests >= 1 and stats["Aggregated"].requests >= 2
    assert any(name.startswith("verify ") for name in stats)
    assert failures == []
    assert "failures by type: none" in capsys.readouterr().out
