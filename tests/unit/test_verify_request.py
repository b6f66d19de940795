import json

import pytest

from python_backends.verify.request import MAX_JSON_BYTES, ChallengeRequest, RequestError, VerifyOptions, token_text


def test_challenge_request_fields_and_defaults():
    assert ChallengeRequest.from_json(None) == ChallengeRequest(False, None)
    asked = ChallengeRequest.from_json(b'{"mirrored": true, "actions": ["blink", "turn_left"]}')
    assert asked == ChallengeRequest(True, ("blink", "turn_left"))


def test_a_challenge_may_be_bound_to_a_subject_and_a_device():
    asked = ChallengeRequest.from_json(b'{"subject": "hmac-4711", "device": "handset-9"}')
    assert (asked.subject, asked.device) == ("hmac-4711", "handset-9")


@pytest.mark.parametrize("raw", [b'{"subject": ""}', b'{"device": 7}', json.dumps({"subject": "x" * 257}).encode()])
def test_unusable_references_are_refused_without_echoing_them(raw):
    with pytest.raises(RequestError, match="REQUEST.(subject|device)") as error:
        ChallengeRequest.from_json(raw)
    assert "xxx" not in str(error.value)


@pytest.mark.parametrize("raw", [
    b"not json", b"[1]", b'{"mirrored": "yes"}', b'{"actions": "blink"}', b'{"actions": [1]}', b'{"colour": 1}',
    json.dumps({"mirrored": False, "pad": "x" * MAX_JSON_BYTES}).encode(), b"[" * 3000, b'{"a": ' * 600,
])
def test_malformed_challenge_requests_are_refused(raw):
    with pytest.raises(RequestError):
        ChallengeRequest.from_json(raw)


def test_verify_options():
    assert VerifyOptions.from_json(b"") == VerifyOptions()
    assert VerifyOptions.from_json(b'{"return_embeddings": true, "request_id": "a-1.b:c_2"}') == VerifyOptions(
        True, "a-1.b:c_2")


@pytest.mark.parametrize("raw", [b'{"request_id": "has space"}', b'{"request_id": 7}', b'{"request_id": ""}',
                                 b'{"return_embeddings": 1}', b'{"embeddings": true}', b"[" * 3000])
def test_malformed_options_are_refused_without_echoing_them(raw):
    with pytest.raises(RequestError) as error:
        VerifyOptions.from_json(raw)
    assert "has space" not in str(error.value)


def test_token_text_never_raises():
    assert token_text(b"v1.k.p.m") == "v1.k.p.m"
    assert not token_text(b"\xff\xfe").isascii()
