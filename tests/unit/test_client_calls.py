import json
import uuid

import pytest
from tritonclient.utils import InferenceServerException, deserialize_bytes_tensor

from facegate_client.calls import (
    REQUEST_ID_HEADER,
    Deadline,
    challenge_call,
    headers,
    judge_failure,
    no_node_left,
    request_id_or_new,
    verify_call,
)
from facegate_client.errors import DeadlineExceeded, InvalidInput, LockedOut, ServerError, Unavailable
from facegate_client.results import Action

REFUSED = "failed to connect to all addresses; last error: Connection refused"


def _error(code: str, message: str) -> InferenceServerException:
    return InferenceServerException(msg=message, status=f"StatusCode.{code}")


def _verify():
    return verify_call(b"\xff\xd8\xff", [b"\xff\xd8\xff"] * 8, None, "v1.k.p.m", "rid", return_embeddings=True)


def _tensor(call, name):
    return next(t for t in call.inputs if t.name() == name)


def _json_content(tensor):
    return json.loads(deserialize_bytes_tensor(tensor._raw_content)[0])


def _shape(call, name):
    tensor = _tensor(call, name)
    return tensor.shape(), tensor.datatype()


def test_challenge_call_sends_the_json_request():
    call = challenge_call(True, [Action.BLINK, "turn_left"], "rid")
    assert (call.model, call.output, call.idempotent) == ("challenge", "CHALLENGE", True)
    request = call.inputs[0]
    assert (request.name(), request.shape(), request.datatype()) == ("REQUEST", [1], "BYTES")
    assert _json_content(request) == {"mirrored": True, "actions": ["blink", "turn_left"]}


def test_a_bound_challenge_sends_subject_and_device():
    call = challenge_call(False, None, "rid", subject="hmac-of-id-number", device="handset-7")
    assert _json_content(call.inputs[0]) == {"mirrored": False, "subject": "hmac-of-id-number", "device": "handset-7"}


def test_a_locked_out_challenge_is_neither_retried_elsewhere_nor_a_node_failure():
    message = "LOCKED_OUT: The subscriber ... failed attempts. retry_after_s=1712"
    outcome = judge_failure(_error("INVALID_ARGUMENT", message), challenge_call(False, None, "rid"))
    assert isinstance(outcome.error, LockedOut) and outcome.error.retry_after_s == 1712
    assert not outcome.try_next and not outcome.node_failed


def test_verify_call_shapes_and_options():
    call = _verify()
    assert (call.model, call.output, call.idempotent, call.request_id) == ("verify", "RESULT", False, "rid")
    assert _shape(call, "ID_PHOTO") == ([1], "BYTES")
    assert _shape(call, "FRAMES") == ([8], "BYTES")
    assert _shape(call, "TOKEN") == ([1], "BYTES")
    assert _json_content(_tensor(call, "OPTIONS")) == {"return_embeddings": True, "request_id": "rid"}


def test_request_ids_are_kept_or_made():
    assert request_id_or_new("order-42") == "order-42"
    assert uuid.UUID(request_id_or_new(None)).version == 4
    with pytest.raises(InvalidInput):
        request_id_or_new("bad id")
    assert headers("rid", {"x-key": "k"}) == {"x-key": "k", REQUEST_ID_HEADER: "rid"}


def test_deadline_counts_down_then_raises():
    now = [10.0]
    deadline = Deadline(2.0, clock=lambda: now[0])
    now[0] = 11.5
    assert deadline.remaining("rid") == pytest.approx(0.5)
    now[0] = 12.0
    with pytest.raises(DeadlineExceeded) as raised:
        deadline.remaining("rid")
    assert raised.value.request_id == "rid"


def test_an_unsent_verify_goes_elsewhere_and_the_node_leaves_rotation():
    outcome = judge_failure(_error("UNAVAILABLE", REFUSED), _verify())
    assert (outcome.node_failed, outcome.try_next, type(outcome.error)) == (True, True, Unavailable)


@pytest.mark.parametrize("code", ["UNAVAILABLE", "DEADLINE_EXCEEDED"])
def test_a_verify_that_may_have_run_is_never_sent_again(code):
    outcome = judge_failure(_error(code, "Socket closed"), _verify())
    assert not outcome.try_next
    assert outcome.node_failed == (code == "UNAVAILABLE")


@pytest.mark.parametrize("code", ["UNAVAILABLE", "DEADLINE_EXCEEDED"])
def test_a_challenge_is_retried_elsewhere(code):
    assert judge_failure(_error(code, "Socket closed"), challenge_call(False, None, "rid")).try_next


@pytest.mark.parametrize("code", ["INVALID_ARGUMENT", "INTERNAL", "UNAUTHENTICATED"])
def test_answers_from_a_working_node_are_final(code):
    outcome = judge_failure(_error(code, "no"), challenge_call(False, None, "rid"))
    assert not outcome.try_next and not outcome.node_failed


def test_a_refused_api_key_does_not_take_the_node_out():
    restricted = _error("UNAVAILABLE", "This protocol is restricted, expecting header 'triton-grpc-protocol-k'")
    outcome = judge_failure(restricted, challenge_call(False, None, "rid"))
    assert not outcome.try_next and not outcome.node_failed


def test_no_node_left_reports_the_last_failure():
    call = challenge_call(False, None, "rid")
    last = ServerError("x")
    assert no_node_left(call, last) is last
    assert isinstance(no_node_left(call, None), Unavailable)
