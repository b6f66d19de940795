"""verify's decision, reason and error counters on Triton's real metrics endpoint."""

from __future__ import annotations

import os
import re
import signal
import time
import urllib.request
from collections import Counter

import pytest
import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

from facegate_client import ClientOptions, FacegateClient
from python_backends.decision.reasons import Reason, Verdict
from python_backends.verify.outcome_metrics import DECISIONS, ERROR_KINDS, ERRORS, REASONS
from tests.integration.small_clip import screened_clip, small_clip
from tests.integration.test_challenge import bytes_input
from tests.integration.test_crash_privacy import _stub_pid, _wait_until

pytestmark = pytest.mark.integration

SERIES = re.compile(r'^(facegate_\w+)\{(\w+)="([^"]*)"\} (\S+)$')


def scrape(url: str) -> tuple[str, Counter]:
    with urllib.request.urlopen(url, timeout=10) as response:
        text = response.read().decode()
    counts = Counter()
    for line in text.splitlines():
        if match := SERIES.match(line):
            name, _, label, value = match.groups()
            counts[name, label] = float(value)
    return text, counts


def _forged(token: str) -> str:
    head, _, mac = token.rpartition(".")
    return f"{head}.{'A' if mac[0] != 'A' else 'B'}{mac[1:]}"


def test_every_series_exists_from_the_start(triton_server):
    _, counts = scrape(triton_server.metrics_url)
    assert {(DECISIONS, verdict.value) for verdict in Verdict} <= set(counts)
    assert {(REASONS, reason.value) for reason in Reason} <= set(counts)
    assert {(ERRORS, kind) for kind in ERROR_KINDS} <= set(counts)


def test_counters_move_by_exactly_what_verify_answered(triton_server):
    _, before = scrape(triton_server.metrics_url)
    with FacegateClient(triton_server.grpc_url, ClientOptions(timeout_s=120)) as client:
        results = [
            client.verify(*small_clip(), client.challenge(mirrored=False).token, request_id="metrics-full"),
            client.verify(*screened_clip(), client.challenge(mirrored=False).token, request_id="metrics-large"),
            client.verify(*small_clip(), _forged(client.challenge(mirrored=False).token), request_id="metrics-forged"),
        ]
    with grpcclient.InferenceServerClient(triton_server.grpc_url) as raw, pytest.raises(InferenceServerException):
        photo, frames = small_clip()
        raw.infer("verify", [bytes_input("ID_PHOTO", [photo]), bytes_input("FRAMES", frames),
                             bytes_input("TOKEN", [b"v1.a.b.c"]), bytes_input("OPTIONS", [b"{not json"])])
    text, after = scrape(triton_server.metrics_url)

    expected = Counter((DECISIONS, r.decision.value) for r in results)
    expected.update((REASONS, str(getattr(code, "value", code))) for r in results for code in r.codes)
    expected[ERRORS, "invalid_request"] += 1
    moved = Counter({series: after[series] - before[series] for series in after if series[0].startswith("facegate_")})
    assert +moved == expected
    assert {(REASONS, "TOKEN_FORGED"), (REASONS, "IMAGE_TOO_LARGE")} <= set(expected)
    assert "metrics-" not in text  # counts only: no request ids, nothing about the person


def test_errors_triton_answers_for_a_dead_verify_process_count_as_unanswered(triton_server):
    """Triton answers for a killed verify process itself (INTERNAL "Stub process ... is not healthy"); the
    launcher hands its count to verify's error counter. verify's own answers are not counted twice. Once the
    watchdog unloads verify to reload it, Triton answers NOT_FOUND, which no server series counts (the
    model has none while it is not loaded; readiness is false then): those are sent no more."""
    watchdog, heals_before = triton_server.watchdog, len(triton_server.watchdog.heals)
    _, before = scrape(triton_server.metrics_url)
    photo, frames = small_clip()
    invalid = [bytes_input("ID_PHOTO", [photo]), bytes_input("FRAMES", frames),
               bytes_input("TOKEN", [b"v1.a.b.c"]), bytes_input("OPTIONS", [b"{not json"])]
    answers = Counter()
    with grpcclient.InferenceServerClient(triton_server.grpc_url) as raw:
        for kill in range(3):  # the watchdog may unload verify before the dead process was asked: kill again
            os.kill(_stub_pid(triton_server.pid, "verify_0_1")[0], signal.SIGKILL)
            time.sleep(0.1)
            while sum(answers.values()) < 20 * (kill + 1):
                with pytest.raises(InferenceServerException) as refused:
                    raw.infer("verify", invalid)
                message = str(refused.value)
                kind = ("unanswered" if "is not healthy" in message else "invalid_request" if "not valid JSON" in message
                        else "not_loaded" if "unknown model" in message else message)
                answers[kind] += 1
                if kind == "not_loaded":
                    break
            _wait_until(lambda: len(watchdog.heals) > heals_before + kill, 60)
            if answers["unanswered"]:
                break
    print(f"answers while verify_0_1 was dead ({kill + 1} kills): {dict(answers)}")
    assert answers["unanswered"] >= 1 and set(answers) <= {"unanswered", "invalid_request", "not_loaded"}
    expected = Counter({(ERRORS, kind): count for kind, count in answers.items() if kind != "not_loaded"})

    def moved() -> Counter:
        _, after = scrape(triton_server.metrics_url)
        return +Counter({series: after[series] - before[series] for series in after if series[0] == ERRORS})

    deadline = time.monotonic() + 10  # the launcher scrapes each second, verify polls each second
    while moved() != expected and time.monotonic() < deadline:
        time.sleep(0.2)
    assert moved() == expected
