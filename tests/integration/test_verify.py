"""The `verify` model on the real server with the real models and real face video.

What the clips really contain (measured with the liveness ensemble, see docs/api.md):
turns_video frames 374-468 (every 2nd: 48 frames, 12 fps) show a blink at frame 386 (clip frame 6)
and then a head turn to the subject's own right of ~13 deg (clip frames 38-47); single_face_video
faces the camera (yaw within 3 deg) and blinks at frames 26-28. The ID photo is turns_video frame
260 (outside the clip) as an ID chip stand-in: 102x126 px, JPEG quality 30.

Each clip is decoded and encoded once per module; tokens stop before inference, so the token
tests are cheap. Full inferences: about ten, 16-48 frames each.
"""

from __future__ import annotations

import json
import secrets
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from facegate import testdata
from python_backends.decision import Action, Challenge, Reason
from python_backends.decision.tokens import encode_token
from tests.integration.test_challenge import bytes_input, request_challenge
from tests.hostile_images import overflowing_png, repeated_scans

pytestmark = pytest.mark.integration

GENUINE_ACTIONS = ["blink", "turn_right"]


@pytest.fixture(scope="module")
def turns_video():
    return testdata.video_frames("turns_video", limit=470)


@pytest.fixture(scope="module")
def genuine_rgb(turns_video):
    return turns_video[374:470:2]


@pytest.fixture(scope="module")
def genuine(genuine_rgb):
    return [testdata.encode(frame) for frame in genuine_rgb]


@pytest.fixture(scope="module")
def id_photo(turns_video):
    return testdata.chip_photo(turns_video[260], left=295)


@pytest.fixture(scope="module")
def single_face_clip():
    return [testdata.encode(frame) for frame in testdata.video_frames("single_face_video", step=3)]


def verify(client, id_photo: bytes, frames: list[bytes], token: str, options: dict | None = None) -> dict:
    inputs = [bytes_input("ID_PHOTO", [id_photo]), bytes_input("FRAMES", frames),
              bytes_input("TOKEN", [token.encode()])]
    if options is not None:
        inputs.append(bytes_input("OPTIONS", [json.dumps(options).encode()]))
    return json.loads(client.infer("verify", inputs).as_numpy("RESULT")[0])


def token(client, actions=GENUINE_ACTIONS, mirrored=False) -> str:
    return request_challenge(client, {"actions": actions, "mirrored": mirrored})["token"]


def codes(result: dict) -> list[str]:
    return [reason["code"] for reason in result["reasons"]]


def test_genuine_clip_is_accepted_with_its_evidence(client, id_photo, genuine):
    result = verify(client, id_photo, genuine, token(client),
                    {"request_id": "genuine-1", "return_embeddings": True})
    assert result["decision"] == "ACCEPT", result["reasons"]
    assert result["reasons"] == [] and result["request_id"] == "genuine-1"
    assert result["match"]["score"] >= result["match"]["threshold"]
    liveness = result["liveness"]
    assert [a["action"] for a in liveness["actions"]] == GENUINE_ACTIONS
    blink, turn = liveness["actions"]
    assert blink["frames"][0] <= 6 <= blink["frames"][-1] and turn["frames"][0] > blink["frames"][-1]
    assert liveness["blink_count"] >= 1 and liveness["yaw_range"][0] <= -10
    assert liveness["spoof_score"] < liveness["spoof_threshold"]
    assert result["quality"]["single_face_frames"] == len(genuine)
    assert set(result["models"]) == {"face_detector", "face_landmarker", "face_antispoof", "face_embedder"}
    assert "embeddings" not in result  # asked for, but the suite server does not allow it
    assert result["timings_ms"]["total"] > 0


def test_mirrored_frames_of_the_same_clip_are_accepted(client, id_photo, genuine_rgb):
    mirrored = [testdata.encode(np.ascontiguousarray(frame[:, ::-1])) for frame in genuine_rgb]
    result = verify(client, id_photo, mirrored, token(client, mirrored=True))
    assert result["decision"] == "ACCEPT", result["reasons"]


def test_another_persons_id_photo_is_a_mismatch(client, genuine):
    result = verify(client, testdata.read("obama"), genuine, token(client))
    assert (result["decision"], codes(result)) == ("REJECT", [Reason.FACE_MISMATCH.value])
    assert result["match"]["score"] < result["match"]["threshold"]


def test_a_still_photo_moved_in_front_of_the_camera_is_rejected(client, id_photo, turns_video):
    result = verify(client, id_photo, testdata.still_photo_attack(turns_video[260]), token(client))
    assert result["decision"] == "REJECT" and codes(result)[0] == Reason.STATIC_SEQUENCE.value


@pytest.mark.parametrize("actions, reason", [
    (["blink", "turn_left"], Reason.ACTION_MISSING),  # the clip turns right
    (["turn_right", "blink"], Reason.ACTION_ORDER),  # the clip blinks first
])
def test_challenge_not_performed_as_asked(client, id_photo, genuine, actions, reason):
    result = verify(client, id_photo, genuine, token(client, actions))
    assert (result["decision"], codes(result)) == ("RETRY", [reason.value])


def test_face_swapped_mid_clip_is_an_identity_change(client, id_photo, genuine, single_face_clip):
    result = verify(client, id_photo, genuine[:16] + single_face_clip[:16], token(client))
    assert result["decision"] == "REJECT" and Reason.IDENTITY_CHANGED.value in codes(result)


def test_blurred_frames_are_retried(client, id_photo, genuine):
    result = verify(client, id_photo, [testdata.blurred(frame, 3) for frame in genuine[:16]], token(client))
    assert (result["decision"], codes(result)) == ("RETRY", [Reason.IMAGE_BLURRY.value])
    assert result["quality"]["median_sharpness"] < 25 and result["liveness"] is None


def test_frames_without_a_face(client, id_photo):
    frames = [testdata.encode(frame) for frame in testdata.video_frames("no_face_video", step=6, limit=12)]
    result = verify(client, id_photo, frames, token(client))
    assert (result["decision"], codes(result)) == ("RETRY", [Reason.NO_FACE_FRAMES.value])
    assert result["quality"]["faceless_frames"] == len(frames)


def test_several_faces_in_the_id_photo_or_the_frames(client, id_photo, genuine):
    group = testdata.read("multi_face")
    as_id = verify(client, group, genuine[:8], token(client))
    assert (as_id["decision"], codes(as_id)) == ("REJECT", [Reason.MULTIPLE_FACES.value])
    as_frames = verify(client, id_photo, genuine[:7] + [group], token(client))
    assert (as_frames["decision"], codes(as_frames)) == ("REJECT", [Reason.MULTIPLE_FACES.value])
    assert as_frames["quality"]["multi_face_frames"] == 1


@pytest.mark.parametrize("damage", ["not_an_image", "truncated_frame", "empty_id_photo", "jpeg_scan_bomb", "png_bomb"])
def test_corrupt_images(client, id_photo, genuine, damage):
    frames, photo = list(genuine[:8]), id_photo
    if damage == "not_an_image":
        frames[3] = b"GIF89a" + bytes(100)
    elif damage == "jpeg_scan_bomb":  # refused from its header: never decoded, scan after scan
        frames[2] = repeated_scans(2000, 200)[0]
    elif damage == "png_bomb":  # refused before a decoder inflates its 256 MB of extra data
        frames[4] = overflowing_png(640, 256)
    elif damage == "truncated_frame":
        frames[5] = frames[5][: len(frames[5]) // 3]
    else:
        photo = b""
    result = verify(client, photo, frames, token(client))
    assert (result["decision"], codes(result)) == ("RETRY", [Reason.IMAGE_CORRUPT.value])


def test_too_few_frames(client, id_photo, genuine):
    result = verify(client, id_photo, genuine[:5], token(client))
    assert (result["decision"], codes(result)) == ("RETRY", [Reason.TOO_FEW_FRAMES.value])


def _signed(key_id: str, secret: bytes, expires_in_s: int) -> str:
    now = int(time.time())
    challenge = Challenge((Action.BLINK, Action.TURN_LEFT), secrets.token_urlsafe(16), now - 200, now + expires_in_s,
                          key_id, False)
    return encode_token(challenge, secret)


def test_token_errors_stop_before_inference(client, keyring, id_photo, genuine):
    genuine_token = token(client)
    head, _, mac = genuine_token.rpartition(".")
    forged = head + "." + ("A" if mac[0] != "A" else "B") + mac[1:]
    active = keyring.active
    cases = {
        Reason.TOKEN_MALFORMED: "hello",
        Reason.TOKEN_FORGED: forged,
        Reason.TOKEN_UNKNOWN_KEY: _signed("retired", secrets.token_bytes(32), 60),
        Reason.TOKEN_EXPIRED: _signed(active.key_id, active.secret, -1),
    }
    for reason, bad in cases.items():
        result = verify(client, id_photo, genuine, bad)
        assert (result["decision"], codes(result)) == (reason.verdict.value, [reason.value])
        assert result["liveness"] is None and "detect" not in result["timings_ms"]


def test_a_token_is_spent_once_across_model_instances(client, id_photo, genuine):
    once = token(client)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: verify(client, id_photo, genuine[:3], once), range(8)))
    assert sorted(codes(r)[0] for r in results) == [Reason.TOKEN_REPLAYED.value] * 7 + [Reason.TOO_FEW_FRAMES.value]
    assert verify(client, id_photo, genuine[:3], once)["reasons"][0]["code"] == Reason.TOKEN_REPLAYED.value


def test_the_previous_key_still_verifies(client, keyring, id_photo, genuine):
    previous = keyring.keys[1]
    result = verify(client, id_photo, genuine[:3], _signed(previous.key_id, previous.secret, 60))
    assert codes(result) == [Reason.TOO_FEW_FRAMES.value]


def test_the_server_still_verifies_after_the_bad_requests(client, triton_server, id_photo, genuine):
    assert client.is_server_ready() and client.is_model_ready("verify")
    result = verify(client, id_photo, genuine, token(client))
    assert result["decision"] == "ACCEPT", result["reasons"]
