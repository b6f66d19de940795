"""final_stats on stand-ins for locust's RequestStats: importing locust here would monkey-patch this
test process with gevent (which then reaps other tests' child processes). The real locust objects
go through write_summary in tests/integration/test_loadtest_smoke.py."""

import math
from dataclasses import dataclass, field

from facegate.bench.loadtest import FailureType, final_stats, read_summary, summary, write_summary


@dataclass
class _Entry:
    name: str
    times_ms: list[int] = field(default_factory=list)
    num_failures: int = 0
    total_rps: float = 0.5

    @property
    def num_requests(self) -> int:
        return len(self.times_ms)

    def get_response_time_percentile(self, percent: float) -> int:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, int(percent * len(ordered)))]


@dataclass
class _Error:
    name: str
    error: Exception
    occurrences: int

    @classmethod
    def parse_error(cls, error: Exception) -> str:
        return repr(error)


@dataclass
class _Stats:
    entries: dict
    errors: dict
    total: _Entry


def _stats() -> _Stats:
    verify = _Entry("verify genuine", [7800, 9400, 12000, 14400], num_failures=1)
    challenge = _Entry("challenge", [3, 12, 14])
    total = _Entry("Aggregated", challenge.times_ms + verify.times_ms, num_failures=1, total_rps=1.2)
    refused = _Error("verify genuine", AssertionError("expected ACCEPT, got RETRY"), 1)
    timeout = _Error("challenge", TimeoutError(), 2)
    return _Stats({("verify genuine", "grpc"): verify, ("challenge", "grpc"): challenge},
                  {"a": refused, "b": timeout}, total)


def test_final_stats_per_call_by_name_then_aggregated_with_failures_by_type():
    calls, failures = final_stats(_stats())
    assert [call.name for call in calls] == ["challenge", "verify genuine", "Aggregated"]
    assert [(call.requests, call.failures) for call in calls] == [(3, 0), (4, 1), (7, 1)]
    assert (calls[0].p50_ms, calls[1].p99_ms, calls[2].requests_per_s) == (12, 14400, 1.2)
    assert failures == [FailureType("challenge", "TimeoutError()", 2),
                        FailureType("verify genuine", "AssertionError('expected ACCEPT, got RETRY')", 1)]


def test_summary_round_trips_through_its_file_and_reads_clearly(tmp_path):
    write_summary(_stats(), tmp_path / "summary.json")
    calls, failures = read_summary(tmp_path / "summary.json")
    assert (calls, failures) == final_stats(_stats())
    text = summary(calls, failures)
    assert "verify genuine: 1 x AssertionError" in text and text.splitlines()[3].startswith("Aggregated")


def test_a_call_type_without_requests_has_no_percentiles():
    stats = _Stats({("challenge", "grpc"): _Entry("challenge", num_failures=1)}, {}, _Entry("Aggregated"))
    calls, _ = final_stats(stats)
    assert [call.name for call in calls] == ["challenge", "Aggregated"] and math.isnan(calls[0].p50_ms)
