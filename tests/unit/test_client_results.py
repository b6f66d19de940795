import json

import numpy as np
import pytest

from facegate_client.errors import ServerError
from facegate_client.results import Action, Decision, ReasonCode, parse_challenge, parse_result
from python_backends.decision.challenge import Action as ServerAction
from python_backends.decision.reasons import Reason as ServerReason
from python_backends.decision.reasons import Verdict


def _blob(value) -> bytes:
    return json.dumps(value).encode()


def test_reason_codes_decisions_and_actions_mirror_the_server():
    assert [c.value for c in ReasonCode] == [r.value for r in ServerReason]
    assert {d.value for d in Decision} == {v.value for v in Verdict}
    assert {a.value for a in Action} == {a.value for a in ServerAction}


def test_challenge_is_parsed():
    challenge = parse_challenge(_blob({"token": "v1.k.p.m", "actions": ["blink", "turn_left"],
                                       "expires_at": 1700000000, "key_id": "k", "mirrored": True}))
    assert challenge.actions == (Action.BLINK, Action.TURN_LEFT)
    assert (challenge.token, challenge.expires_at, challenge.key_id, challenge.mirrored) == (
        "v1.k.p.m", 1700000000, "k", True)


def test_challenge_missing_a_field_is_a_server_error():
    with pytest.raises(ServerError, match="token"):
        parse_challenge(_blob({"actions": [], "expires_at": 1, "key_id": "k"}))


def test_result_is_parsed_with_scores():
    result = parse_result(_blob({
        "decision": "REJECT",
        "reasons": [{"code": "FACE_MISMATCH", "decision": "REJECT", "message": "no match"}],
        "match": {"score": 0.12, "threshold": 0.5},
        "liveness": {"spoof_score": 0.03, "blinks": 1},
        "quality": {"sharpness": 40.0},
        "models": {"face_embedder": "1"},
        "request_id": "server-id",
        "embeddings": {"id_photo": [0.6, 0.8], "live": [1.0, 0.0]},
    }), request_id="client-id")
    assert result.decision is Decision.REJECT and not result.accepted
    assert result.codes == (ReasonCode.FACE_MISMATCH,)
    assert result.reasons[0].message == "no match"
    assert (result.match_score, result.match_threshold, result.spoof_score) == (0.12, 0.5, 0.03)
    assert result.liveness["blinks"] == 1 and result.models == {"face_embedder": "1"}
    assert result.request_id == "server-id"
    assert result.id_photo_embedding.tolist() == pytest.approx([0.6, 0.8])
    assert result.live_embedding.dtype == np.float32


def test_unknown_codes_from_a_newer_server_are_kept_raw():
    result = parse_result(_blob({"decision": "ESCALATE", "liveness": None, "match": {"score": None}, "reasons": [
        {"code": "GLASSES_GLARE", "decision": "RETRY", "message": ""}]}), request_id="client-id")
    assert result.decision == "ESCALATE" and not result.accepted
    assert result.codes == ("GLASSES_GLARE",) and result.reasons[0].decision is Decision.RETRY
    assert result.match_score is None and result.request_id == "client-id"
    assert result.liveness == {} and result.live_embedding is None


@pytest.mark.parametrize(
    "blob", [b"not json", b"[1]", _blob({"reasons": []}), _blob({"decision": "ACCEPT", "reasons": [1]})])
def test_unreadable_results_are_server_errors(blob):
    with pytest.raises(ServerError):
        parse_result(blob, request_id="r")
