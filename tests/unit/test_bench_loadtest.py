from facegate.bench.loadtest import read_failures, read_stats, summary

STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
grpc,challenge,9,0,12,12,3,14,0,0.34,0,12,13,14,14,14,14,14,14,14,14,14
grpc,verify genuine,4,1,9400,9000,7779,14391,0,0.15,0.04,12000,12000,12000,14000,14000,14000,14000,14000,14000,14000,14000
,Aggregated,13,1,14,3000,0,14391,0,0.49,0.04,14,7500,8800,9400,12000,14000,14000,14000,14000,14000,14000
"""
FAILURES = """Method,Name,Error,Occurrences
grpc,verify genuine,"AssertionError('expected ACCEPT, got RETRY')",1
"""


def test_reads_locust_csv_and_summarises_failures_by_type(tmp_path):
    (tmp_path / "s.csv").write_text(STATS)
    (tmp_path / "f.csv").write_text(FAILURES)
    stats, failures = read_stats(tmp_path / "s.csv"), read_failures(tmp_path / "f.csv")
    assert [row.name for row in stats] == ["challenge", "verify genuine", "Aggregated"]
    assert (stats[1].requests, stats[1].failures, stats[1].p99_ms) == (4, 1, 14000.0)
    assert failures == [("verify genuine", "AssertionError('expected ACCEPT, got RETRY')", 1)]
    text = summary(stats, failures)
    assert "verify genuine: 1 x AssertionError" in text and "0.49" in text
