import pytest

from python_backends.decision.attempts import AttemptPolicy, is_failed_attempt, key_kinds
from python_backends.decision.reasons import Reason, Verdict


@pytest.mark.parametrize("verdict, reasons, failed", [
    (Verdict.ACCEPT, (), False),
    (Verdict.REJECT, (Reason.FACE_MISMATCH,), True),
    (Verdict.REJECT, (Reason.MULTIPLE_FACES,), True),
    (Verdict.RETRY, (Reason.NO_BLINK,), True),
    (Verdict.RETRY, (Reason.ACTION_ORDER, Reason.IMAGE_BLURRY), True),
    (Verdict.RETRY, (Reason.IMAGE_BLURRY,), False),  # the capture's fault, not the person's
    (Verdict.RETRY, (Reason.IMAGE_CORRUPT,), False),
    (Verdict.RETRY, (Reason.NO_FACE_FRAMES,), False),
])
def test_rejects_and_liveness_retries_count_quality_problems_do_not(verdict, reasons, failed):
    assert is_failed_attempt(verdict, reasons) is failed


def test_defaults_follow_the_commercial_services_and_nonsense_is_refused():
    assert AttemptPolicy() == AttemptPolicy(limit=5, window_s=180, lockout_s=1800)
    with pytest.raises(ValueError):
        AttemptPolicy(limit=0)


def test_kinds_name_no_identifier():
    assert key_kinds(("subject:AAAA", "device:BBBB")) == ("subject", "device")
