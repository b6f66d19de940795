"""Counting the errors Triton answered for verify without verify: its failure counter over restarts,
and the hand-off that two verify instances never add twice."""

from __future__ import annotations

import os
import stat

from python_backends.verify.unanswered_errors import FailureTotal, UnansweredFile, triton_failures

METRICS = """# HELP nv_inference_request_failure Number of failed inference requests, all batch sizes
nv_inference_request_failure{model="verify",reason="BACKEND",version="1"} 7
nv_inference_request_failure{model="verify",reason="REJECTED",version="1"} 1
nv_inference_request_failure{model="detect",reason="BACKEND",version="1"} 40
facegate_verify_errors_total{kind="invalid_request"} 2
"""


def test_triton_failures_are_verify_s_of_every_reason():
    assert triton_failures(METRICS) == 8.0
    assert triton_failures("") is None


def test_the_total_carries_over_a_counter_restart():
    total = FailureTotal()
    assert total.observe(2) == 2
    assert total.observe(5) == 5
    assert total.observe(None) == 5  # verify reloading: its series are gone
    assert total.observe(1) == 6  # restarted at 0, one more failure
    assert total.observe(3) == 8


def test_each_unanswered_error_is_taken_once_whichever_instance_polls(tmp_path):
    handoff = UnansweredFile(tmp_path / "unanswered.json")
    handoff.offer(0)
    assert stat.S_IMODE(os.stat(handoff.path).st_mode) == 0o600
    other_instance = UnansweredFile(handoff.path)
    assert handoff.take() == 0
    handoff.offer(3)
    assert other_instance.take() == 3 and handoff.take() == 0
    handoff.offer(5)
    assert handoff.take() == 2 and other_instance.take() == 0
