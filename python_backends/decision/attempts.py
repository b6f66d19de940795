"""Failed-attempt limits: which answers count as a failed attempt, and the policy that locks out.

Commercial liveness services lock a device out after about 5 failures in 3 minutes and keep it out
for 30-60 minutes; those are the defaults. Counting happens in the token store (shared by the
fleet) for each key the token is bound to (subscriber, device).
"""

from __future__ import annotations

from dataclasses import dataclass

from python_backends.decision.reasons import Reason, Verdict

# RETRY reasons that are the person's failure (liveness, match), not the capture's or the transport's.
FAILED_ATTEMPT_RETRIES = frozenset({Reason.NO_BLINK, Reason.ACTION_MISSING, Reason.ACTION_ORDER})


@dataclass(frozen=True)
class AttemptPolicy:
    limit: int = 5
    """Failed attempts within `window_s` that lock a subscriber or device out."""
    window_s: int = 180
    lockout_s: int = 1800
    """How long `challenge` refuses a locked-out subscriber or device."""

    def __post_init__(self) -> None:
        if min(self.limit, self.window_s, self.lockout_s) < 1:
            raise ValueError("attempt limit, window and lockout must be at least 1")


def is_failed_attempt(verdict: Verdict, reasons: tuple[Reason, ...]) -> bool:
    """REJECT, or RETRY for a liveness reason. Callers count only answers to a redeemed token, so token,
    store and request problems (which stop before any assessment) never count."""
    return verdict is Verdict.REJECT or (verdict is Verdict.RETRY and bool(FAILED_ATTEMPT_RETRIES.intersection(reasons)))


@dataclass(frozen=True)
class AttemptRecord:
    """What one answer did to the counts, by kind of key ("subject", "device"): no identifiers."""

    counted: tuple[str, ...] = ()
    locked: tuple[str, ...] = ()
    lost: bool = False
    """A failed attempt that the store could not count (it was unreachable)."""


def key_kinds(keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(key.partition(":")[0] for key in keys)
