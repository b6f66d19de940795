from collections import Counter

from python_backends.decision import AttemptRecord, Reason
from python_backends.verify.attempt_metrics import FAILED_ATTEMPTS, LOCKOUTS, REFUSALS, UNCOUNTED, AttemptMetrics, \
    RefusalMetrics


class _Family:
    def __init__(self, counts: Counter, name: str) -> None:
        self._counts, self._name = counts, name

    def Metric(self, labels: dict[str, str]):  # noqa: N802 - pb_utils.MetricFamily's spelling
        series = (self._name, *labels.values())
        self._counts[series] += 0
        family = self

        class _Metric:
            def increment(self, amount: int) -> None:
                family._counts[series] += amount

        return _Metric()


def test_counts_by_kind_of_key_from_zero_and_never_an_identifier():
    counts = Counter()
    metrics = AttemptMetrics(lambda name, description: _Family(counts, name))
    assert set(counts) == {(FAILED_ATTEMPTS, "subject"), (FAILED_ATTEMPTS, "device"), (LOCKOUTS, "subject"),
                           (LOCKOUTS, "device"), (UNCOUNTED,)} and sum(counts.values()) == 0
    metrics.recorded(AttemptRecord(("subject", "device"), ("device",)))
    metrics.recorded(AttemptRecord(lost=True))
    metrics.recorded(AttemptRecord())
    assert counts == Counter({(FAILED_ATTEMPTS, "subject"): 1, (FAILED_ATTEMPTS, "device"): 1,
                              (LOCKOUTS, "device"): 1, (UNCOUNTED,): 1, (LOCKOUTS, "subject"): 0})


def test_refused_challenges_by_reason_code():
    counts = Counter()
    metrics = RefusalMetrics(lambda name, description: _Family(counts, name))
    metrics.refused(Reason.LOCKED_OUT)
    assert counts == Counter({(REFUSALS, "LOCKED_OUT"): 1, (REFUSALS, "SERVICE_UNAVAILABLE"): 0})
