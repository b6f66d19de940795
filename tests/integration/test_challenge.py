"""The `challenge` model on the real server: signed, valid, random challenges; demo mode; keyring required."""

from __future__ import annotations

import json
import shutil
import time

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

from facegate.paths import MODEL_REPOSITORY
from facegate.server import ServerStartError, running_server
from python_backends.decision import Action, ChallengePolicy
from python_backends.decision.challenge import sequence_problem
from python_backends.decision.tokens import decode_token
from tests.integration.server_fixture import local_config

pytestmark = pytest.mark.integration


def bytes_input(name: str, blobs: list[bytes]) -> grpcclient.InferInput:
    tensor = grpcclient.InferInput(name, [len(blobs)], "BYTES")
    tensor.set_data_from_numpy(np.array(blobs, dtype=np.object_))
    return tensor


def request_challenge(client: grpcclient.InferenceServerClient, request: dict | bytes) -> dict:
    raw = request if isinstance(request, bytes) else json.dumps(request).encode()
    result = client.infer("challenge", [bytes_input("REQUEST", [raw])])
    return json.loads(result.as_numpy("CHALLENGE")[0])


def test_a_random_challenge_is_valid_and_signed_with_the_active_key(client, keyring):
    issued = request_challenge(client, {"mirrored": True})
    actions = tuple(Action(name) for name in issued["actions"])
    assert sequence_problem(actions, ChallengePolicy()) is None
    challenge = decode_token(issued["token"], keyring, time.time())
    assert challenge.actions == actions and challenge.mirrored and issued["mirrored"] is True
    assert issued["key_id"] == keyring.active.key_id == challenge.key_id
    assert issued["expires_at"] - issued["issued_at"] == ChallengePolicy().ttl_s
    assert issued["expires_at"] > time.time()


def test_challenges_are_random(client):
    issued = [request_challenge(client, {}) for _ in range(12)]
    assert len({c["token"] for c in issued}) == 12
    assert len({tuple(c["actions"]) for c in issued}) > 1


def test_the_suite_server_allows_requested_actions(client):
    assert request_challenge(client, {"actions": ["turn_left", "blink", "turn_right"]})["actions"] == [
        "turn_left", "blink", "turn_right"]


@pytest.mark.parametrize("request_body", [
    {"actions": ["blink", "blink", "turn_left"]},  # the same action twice in a row
    {"actions": ["turn_left", "turn_right"]},  # no blink
    {"actions": ["wink", "turn_left"]},
    b"{not json",
    {"mirrored": "yes"},
])
def test_invalid_requests_are_refused_and_the_model_keeps_serving(client, request_body):
    with pytest.raises(InferenceServerException, match="REQUEST"):
        request_challenge(client, request_body)
    assert request_challenge(client, {})["token"]


def test_challenge_and_verify_refuse_to_load_without_a_keyring(tmp_path, monkeypatch):
    for name in ("challenge", "verify"):
        shutil.copytree(MODEL_REPOSITORY / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.delenv("FACEGATE_KEYRING", raising=False)
    monkeypatch.delenv("FACEGATE_KEYRING_FILE", raising=False)
    with pytest.raises(ServerStartError) as error:
        with running_server(local_config(tmp_path, log_verbose=0)):
            pass
    message = str(error.value)
    assert "model 'challenge' failed to load" in message and "model 'verify' failed to load" in message
    assert "FACEGATE_KEYRING" in message
