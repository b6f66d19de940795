"""`facegate gateway` (the real command) over HTTP and HTTPS, in front of the real server and models:
placement hints from the real detector, the client's limits and typed errors, TLS. The whole capture flow
in a browser: test_capture_page.py."""

from __future__ import annotations

import base64
import json
import ssl
import tempfile
import time
import urllib.error
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from facegate import testdata
from facegate.server.ports import free_ports
from tests.integration import fake_camera
from tests.integration.gateway_process import fetch, running_gateway
from tests.integration.pki import issue, make_ca
from tests.integration.file_scan import files_changed_since, fragments

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def gateway(triton_server):
    with running_gateway([triton_server.grpc_url], "--demo-actions", "turn_left,blink") as url:
        yield url


def _hint(url: str, image: bytes) -> str:
    status, body = fetch(url + "api/guide", image, "image/jpeg")
    assert status == 200, body
    return json.loads(body)["hint"]


def test_the_camera_clip_is_well_placed_throughout_and_other_scenes_get_their_hint(gateway):
    """The hints the browser test's clip gets at the page's guidance size (320 px wide), every 10th frame."""
    video = testdata.video_frames("turns_video", limit=fake_camera.LAST + 1)
    clip = [video[index][:, fake_camera.CROP_X] for index in fake_camera.clip_indices()[::10]]
    assert {_hint(gateway, testdata.encode(frame, size=(320, 288))) for frame in clip} == {"ok"}
    far = np.full((360, 640, 3), 90, np.uint8)
    far[108:252, 240:400] = np.asarray(Image.fromarray(clip[0]).resize((160, 144)))  # the face 2.5x further away
    assert _hint(gateway, testdata.encode(far, size=(320, 180))) == "too_far"
    assert _hint(gateway, testdata.read("landscape")) == "no_face"
    assert _hint(gateway, testdata.read("multi_face")) == "several_faces"


def test_the_demo_order_is_asked_for_and_malformed_uploads_get_the_clients_typed_errors(gateway):
    status, body = fetch(gateway + "api/challenge", b'{"mirrored": false}')
    challenge = json.loads(body)
    assert (status, challenge["actions"], challenge["mirrored"]) == (200, ["turn_left", "blink"], False)
    photo = testdata.encode(np.asarray(Image.open(testdata.path("obama"))), quality=83)  # bytes only this test sends
    frame = base64.b64encode(photo).decode()
    started = time.time()

    def verify(frames, token=challenge["token"]) -> tuple[int, dict]:
        request = {"token": token, "id_photo": frame, "clip": {"mode": "frames", "frames": frames}}
        status, body = fetch(gateway + "api/verify", json.dumps(request).encode())
        return status, json.loads(body)

    assert verify([frame] * 3) == (400, {"error": "invalid_input", "request_id": None,
                                         "message": "frames: 3 frames, 8 to 64 required"})
    status, answer = verify([frame] * 7 + [base64.b64encode(b"GIF89a....").decode()])
    assert (status, answer["message"]) == (400, "frames[7]: not a JPEG, PNG or BMP image")
    status, answer = verify([frame] * 8, token="not-a-token")
    assert (status, answer["error"]) == (400, "invalid_input")
    status, answer = verify([frame] * 8)  # a still photo: the server's own decision, with its reason codes
    assert status == 200 and answer["decision"] == "REJECT" and "STATIC_SEQUENCE" in {
        reason["code"] for reason in answer["reasons"]}
    assert set(answer) == {"decision", "reasons", "request_id"}  # no scores or evidence for the browser
    for path in files_changed_since([Path(tempfile.gettempdir())], started):  # nothing spooled to disk
        assert not any(fragment in path.read_bytes() for fragment in fragments(photo)), f"{path} holds the photo"


def test_https_serves_clients_that_trust_its_certificate(tmp_path):
    ca = make_ca(tmp_path, "gateway-ca")
    server = issue(ca, tmp_path, "gateway", server=True)
    trusted = ssl.create_default_context(cafile=str(ca.cert))
    upstream = f"127.0.0.1:{free_ports(1)[0]}"  # no facegate server needed to serve the page
    with running_gateway([upstream], "--https-cert-file", str(server.cert), "--https-key-file", str(server.key),
                         scheme="https", context=trusted) as url:
        status, page = fetch(url, context=trusted)
        assert status == 200 and b'id="start-camera"' in page
        with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
            fetch(url, context=ssl.create_default_context())
        status, body = fetch(url + "api/challenge", b"{}", context=trusted)
        assert (status, json.loads(body)["error"]) == (503, "unavailable")
