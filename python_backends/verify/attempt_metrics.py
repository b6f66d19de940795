"""Prometheus counters of failed attempts, lockouts and challenge refusals, on Triton's metrics
endpoint. Labels say only what kind of key (subscriber or device) or why: never which one.

Every series exists from the start at 0 (see outcome_metrics.py).
"""

from __future__ import annotations

from python_backends.decision import AttemptRecord, Reason
from python_backends.verify.outcome_metrics import CounterFamilyFactory, labelled_series

FAILED_ATTEMPTS = "facegate_failed_attempts_total"
LOCKOUTS = "facegate_lockouts_total"
UNCOUNTED = "facegate_failed_attempts_uncounted_total"
REFUSALS = "facegate_challenge_refusals_total"
KINDS = ("subject", "device")
REFUSAL_REASONS = (Reason.LOCKED_OUT, Reason.SERVICE_UNAVAILABLE)
_FAMILIES = (
    (FAILED_ATTEMPTS, "failed verifications counted against a bound subscriber or device"),
    (LOCKOUTS, "lockouts started after too many failed attempts"),
    (UNCOUNTED, "failed verifications the token store was unreachable to count"),
)


class AttemptMetrics:
    """verify's side: what each answer did to the counts."""

    def __init__(self, counter_family: CounterFamilyFactory) -> None:
        # Held: Triton drops a family's series when the family object is deleted.
        self._families = [counter_family(name, description) for name, description in _FAMILIES]
        failed, lockouts, uncounted = self._families
        self._failed = labelled_series(failed, "kind", KINDS)
        self._lockouts = labelled_series(lockouts, "kind", KINDS)
        self._uncounted = uncounted.Metric(labels={})

    def recorded(self, record: AttemptRecord) -> None:
        for kind in record.counted:
            self._failed[kind].increment(1)
        for kind in record.locked:
            self._lockouts[kind].increment(1)
        if record.lost:
            self._uncounted.increment(1)


class RefusalMetrics:
    """challenge's side: challenges refused, by reason code."""

    def __init__(self, counter_family: CounterFamilyFactory) -> None:
        self._family = counter_family(REFUSALS, "challenges refused (locked out, or the token store unreachable)")
        self._refusals = labelled_series(self._family, "code", (reason.value for reason in REFUSAL_REASONS))

    def refused(self, reason: Reason) -> None:
        self._refusals[reason.value].increment(1)
