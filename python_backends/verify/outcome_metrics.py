"""Prometheus counters of what `verify` answered, published on Triton's metrics endpoint next to
its own per-model figures: decisions, reason codes, and errors by kind. Counts only: no label
ever carries anything about the person or the request (not even its id).

Every series exists from the start at 0, so that rates and alerts work before the first REJECT.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from python_backends.decision.reasons import Reason, Verdict
from python_backends.verify.unanswered_errors import UNANSWERED

DECISIONS = "facegate_verify_decisions_total"
REASONS = "facegate_verify_reasons_total"
ERRORS = "facegate_verify_errors_total"
ERROR_KINDS = ("invalid_request", "inference_failed", "internal", UNANSWERED)

# (name, description) -> a counter family: pb_utils.MetricFamily in Triton, a fake in unit tests.
CounterFamilyFactory = Callable[[str, str], Any]


def labelled_series(family: Any, label: str, values: Iterable[str]) -> dict[str, Any]:
    """One counter of `family` per label value, keyed by the value."""
    return {value: family.Metric(labels={label: value}) for value in values}


class OutcomeMetrics:
    def __init__(self, counter_family: CounterFamilyFactory) -> None:
        self._families = [  # held: Triton drops a family's series when the family object is deleted
            counter_family(DECISIONS, "verify answers by decision"),
            counter_family(REASONS, "reason codes in verify answers (an answer may carry several)"),
            counter_family(ERRORS, "verify requests answered with an error instead of a decision"),
        ]
        decisions, reasons, errors = self._families
        self._decisions = labelled_series(decisions, "decision", (verdict.value for verdict in Verdict))
        self._reasons = labelled_series(reasons, "code", (reason.value for reason in Reason))
        self._errors = labelled_series(errors, "kind", ERROR_KINDS)

    def decided(self, verdict: Verdict, reasons: Iterable[Reason]) -> None:
        self._decisions[verdict.value].increment(1)
        for reason in reasons:
            self._reasons[reason.value].increment(1)

    def failed(self, kind: str, count: int = 1) -> None:
        self._errors[kind].increment(count)
