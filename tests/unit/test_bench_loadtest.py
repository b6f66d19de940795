import math

from locust.stats import RequestStats

from facegate.bench.loadtest import Failures, final_stats, read_summary, summary, write_summary


def _stats() -> RequestStats:
    stats = RequestStats(use_response_times_cache=False)
    for milliseconds in (3, 12, 14):
        stats.log_request("grpc", "challenge", milliseconds, 0)
    for milliseconds in (7800, 9400, 12000, 14400):
        stats.log_request("grpc", "verify genuine", milliseconds, 0)
    stats.log_error("grpc", "verify genuine", AssertionError("expected ACCEPT, got RETRY"))
    return stats


def test_final_stats_per_call_then_aggregated_with_failures_by_type():
    calls, failures = final_stats(_stats())
    assert [call.name for call in calls] == ["challenge", "verify genuine", "Aggregated"]
    assert [(call.requests, call.failures) for call in calls] == [(3, 0), (4, 1), (7, 1)]
    assert (calls[0].p50_ms, calls[1].p99_ms) == (12, 14000)  # locust's rounding: 2 significant digits
    assert failures == [Failures("verify genuine", "AssertionError('expected ACCEPT, got RETRY')", 1)]


def test_summary_round_trips_through_its_file_and_reads_clearly(tmp_path):
    stats = _stats()
    write_summary(stats, tmp_path / "summary.json")
    calls, failures = read_summary(tmp_path / "summary.json")
    assert (calls, failures) == final_stats(stats)
    text = summary(calls, failures)
    assert "verify genuine: 1 x AssertionError" in text and text.splitlines()[3].startswith("Aggregated")


def test_a_call_type_without_requests_has_no_percentiles():
    stats = RequestStats(use_response_times_cache=False)
    stats.log_error("grpc", "challenge", ConnectionError("refused"))
    calls, failures = final_stats(stats)
    assert [call.name for call in calls] == ["challenge", "Aggregated"] and math.isnan(calls[0].p50_ms)
    assert failures[0].occurrences == 1
