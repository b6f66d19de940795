"""The gateway's HTTP mapping with a stand-in upstream (the real one: tests/integration/test_gateway.py)."""

import base64
import io
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from PIL import Image
from starlette.testclient import TestClient

from facegate.gateway.app import SECURITY_HEADERS, create_app
from facegate.gateway.config import GatewayConfig
from facegate_client import (Challenge, DeadlineExceeded, Decision, Face, InvalidInput, Reason, ReasonCode,
                             ServerError, Unauthenticated, Unavailable, VerificationResult)

def _jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (128, 128, 128)).save(out, "JPEG")
    return out.getvalue()


JPEG = _jpeg(40, 30)


class StandIn:
    """Answers like Upstream, or raises `failure`; records what it was asked."""

    failure: Exception | None = None

    def __init__(self, config: GatewayConfig) -> None:
        self.asked: list[tuple] = []
        StandIn.last = self

    def close(self) -> None:
        pass

    def _answer(self, *call):
        self.asked.append(call)
        if StandIn.failure is not None:
            raise StandIn.failure

    def challenge(self, mirrored):
        self._answer("challenge", mirrored)
        return Challenge("v1.k.p.m", ("blink", "turn_left"), 1700000000, "k", mirrored)

    def verify(self, upload):
        self._answer("verify", upload)
        reasons = (Reason(ReasonCode.NO_BLINK, Decision.RETRY, "A challenged blink was not detected."),)
        return VerificationResult(Decision.RETRY, reasons, "r-1", 0.9, 0.62, 0.01, {}, {}, {}, None, None, {})

    def faces(self, image):
        self._answer("faces", image)
        landmarks = np.array([[16, 12], [24, 12], [20, 16], [17, 20], [23, 20]], np.float32)
        return [Face((12, 2, 28, 28), 0.99, landmarks)]  # centred in the 40x30 frame, 1.0x the oval's height


@pytest.fixture
def client():
    StandIn.failure = None
    with TestClient(create_app(GatewayConfig(servers=("node:8001",)), StandIn)) as http:
        yield http


def test_the_page_and_its_settings_are_served_with_the_security_headers(client):
    page = client.get("/")
    assert page.status_code == 200 and 'id="start-camera"' in page.text
    assert all(page.headers[name] == value for name, value in SECURITY_HEADERS.items())
    settings = client.get("/api/config").json()
    assert settings["capture"]["mode"] == "frames" and settings["limits"]["max_frames"] == 64
    assert settings["oval"] == {"height_fraction": 0.85, "aspect": 0.75, "max_width_fraction": 0.9}


def test_challenge_and_verify_answer_the_decision_and_codes_only(client):
    assert client.post("/api/challenge", json={"mirrored": True}).json() == {
        "token": "v1.k.p.m", "actions": ["blink", "turn_left"], "expires_at": 1700000000, "mirrored": True}
    frames = [base64.b64encode(JPEG).decode()] * 8
    answer = client.post("/api/verify", json={"token": "v1.k.p.m", "id_photo": frames[0],
                                              "clip": {"mode": "frames", "frames": frames}}).json()
    assert answer == {"decision": "RETRY", "request_id": "r-1", "reasons": [
        {"code": "NO_BLINK", "decision": "RETRY", "message": "A challenged blink was not detected."}]}
    assert StandIn.last.asked[-1][1].frames == (JPEG,) * 8


def test_guide_answers_a_hint_for_the_frame_it_was_sent(client):
    assert client.post("/api/guide", content=JPEG).json() == {"hint": "ok", "faces": 1}
    assert client.post("/api/guide", content=b"GIF89a").status_code == 400


@pytest.mark.parametrize(("failure", "status", "kind"), [
    (InvalidInput("frames: 3 frames"), 400, "invalid_input"),
    (Unavailable("failed to connect to 10.0.0.1:8001"), 503, "unavailable"),
    (DeadlineExceeded("deadline"), 504, "deadline_exceeded"),
    (Unauthenticated("This protocol is restricted"), 502, "unauthenticated"),
    (ServerError("internal error"), 502, "server_error"),
])
def test_client_errors_become_statuses_and_kinds_without_upstream_details(client, failure, status, kind):
    StandIn.failure = failure
    answer = client.post("/api/challenge", json={"mirrored": False})
    assert (answer.status_code, answer.json()["error"]) == (status, kind)
    assert (answer.json()["message"] is not None) == (kind == "invalid_input")


def test_an_upload_over_the_cap_is_refused_before_the_upstream_sees_it():
    with TestClient(create_app(GatewayConfig(servers=("node:8001",), max_body_bytes=100), StandIn)) as http:
        answer = http.post("/api/verify", content=json.dumps({"token": "x" * 200}))
        assert (answer.status_code, answer.json()["error"]) == (413, "too_large")
        assert StandIn.last.asked == []


class SlowStandIn(StandIn):
    """A verify that takes 0.3 s and counts how many run at once."""

    lock = threading.Lock()

    def __init__(self, config: GatewayConfig) -> None:
        super().__init__(config)
        self.running = self.most = 0

    def verify(self, upload):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.3)
        with self.lock:
            self.running -= 1
        return super().verify(upload)


@pytest.mark.parametrize("slots", [1, 3])
def test_verifications_in_flight_are_bounded_and_the_others_wait(slots):
    """Uploads are read inside a slot: memory holds at most `slots` verify bodies."""
    StandIn.failure = None
    config = GatewayConfig(servers=("node:8001",), max_verifications_in_flight=slots)
    body = json.dumps({"token": "v1.k.p.m", "id_photo": base64.b64encode(JPEG).decode(),
                       "clip": {"mode": "frames", "frames": [base64.b64encode(JPEG).decode()] * 8}})
    with TestClient(create_app(config, SlowStandIn)) as http, ThreadPoolExecutor(3) as pool:
        statuses = list(pool.map(lambda _: http.post("/api/verify", content=body).status_code, range(3)))
    assert statuses == [200] * 3 and SlowStandIn.last.most == slots
