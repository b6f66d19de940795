from collections import Counter

import pytest

from python_backends.decision.reasons import Reason, Verdict
from python_backends.verify.outcome_metrics import DECISIONS, ERROR_KINDS, ERRORS, REASONS, OutcomeMetrics


class _Metric:
    def __init__(self, counts: Counter, series: tuple[str, str]) -> None:
        self._counts, self._series = counts, series
        counts[series] += 0

    def increment(self, amount: int) -> None:
        self._counts[self._series] += amount


class _Family:
    """Adds increments up by (family name, label value), as Triton's counters would."""

    def __init__(self, counts: Counter, name: str) -> None:
        self._counts, self._name = counts, name

    def Metric(self, labels: dict[str, str]) -> _Metric:  # noqa: N802 - pb_utils.MetricFamily's spelling
        (value,) = labels.values()
        return _Metric(self._counts, (self._name, value))


@pytest.fixture
def counts() -> Counter:
    return Counter()


@pytest.fixture
def metrics(counts) -> OutcomeMetrics:
    return OutcomeMetrics(lambda name, description: _Family(counts, name))


def test_every_decision_reason_and_error_kind_starts_at_zero(counts, metrics):
    assert len(counts) == len(Verdict) + len(Reason) + len(ERROR_KINDS) and not any(counts.values())


def test_a_decision_counts_once_and_each_of_its_reasons_once(counts, metrics):
    metrics.decided(Verdict.REJECT, (Reason.STATIC_SEQUENCE, Reason.NO_BLINK))
    metrics.decided(Verdict.ACCEPT, ())
    metrics.failed("internal")
    assert +counts == Counter({(DECISIONS, "REJECT"): 1, (DECISIONS, "ACCEPT"): 1, (REASONS, "STATIC_SEQUENCE"): 1,
                               (REASONS, "NO_BLINK"): 1, (ERRORS, "internal"): 1})


def test_an_unknown_error_kind_is_refused(metrics):
    with pytest.raises(KeyError):
        metrics.failed("disk_full")
