"""verify's RESULT and challenge's CHALLENGE documents (field meanings: docs/api.md)."""

from __future__ import annotations

from collections.abc import Mapping

from python_backends.decision import ActionEvent, Decision, IssuedChallenge
from python_backends.verify.pipeline import Outcome
from python_backends.video.clip_frames import ChosenFrames


def event_document(event: ActionEvent) -> dict:
    return {"action": event.action.value, "frames": list(range(event.start_frame, event.end_frame + 1)),
            "peak_frame": event.peak_frame}


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(float(value), digits)


def _liveness(decision: Decision) -> dict | None:
    evidence = decision.liveness
    if evidence is None:
        return None
    motion = evidence.motion
    return {
        "challenge": [action.value for action in evidence.challenge],
        "mirrored": evidence.mirrored,
        "actions": [event_document(event) for event in evidence.matched],
        "detected": [event_document(event) for event in motion.events],
        "blink_count": motion.blink_count,
        "yaw_range": [_round(motion.yaw_offset_min_deg, 1), _round(motion.yaw_offset_max_deg, 1)],
        "motion_spread": {"yaw_deg": _round(motion.yaw_spread_deg, 2), "pitch_deg": _round(motion.pitch_spread_deg, 2),
                          "eye_opening": _round(motion.eye_spread, 3)},
        "spoof_score": _round(evidence.spoof_score),
        "spoof_threshold": evidence.spoof_threshold,
        "spoof_applied": evidence.spoof_applied,
        "identity_outlier_frames": list(evidence.identity_outlier_frames),
    }


def _video(clip: ChosenFrames) -> dict:
    """What the server decoded and which frames it chose: `liveness` frame numbers index `frames`."""
    return {"codec": clip.codec, "decoder": clip.decoder, "width": clip.width, "height": clip.height,
            "rotation_deg": clip.rotation_deg, "decoded_frames": clip.decoded_frames, "fps": clip.fps,
            "frames": list(clip.frame_numbers), "times_s": list(clip.times_s)}


def result_document(outcome: Outcome, request_id: str, models: Mapping[str, str], with_embeddings: bool,
                    decision_only: bool = False) -> dict:
    """`decision_only`: the decision, reason codes and request id alone (no scores, no evidence), for
    deployments that pass the answer on towards the customer's device."""
    decision = outcome.decision
    quality = decision.quality
    document = {
        "decision": decision.verdict.value,
        "reasons": [{"code": r.value, "decision": r.verdict.value, "message": r.description} for r in decision.reasons],
        "request_id": request_id,
    }
    if decision_only:
        return document
    document |= {
        "match": {"score": _round(decision.match_score), "threshold": decision.match_threshold},
        "liveness": _liveness(decision),
        "quality": None if quality is None else {
            name: _round(value, 1) if isinstance(value, float) else value for name, value in vars(quality).items()},
        "models": dict(models),
        "timings_ms": outcome.timings_ms,
    }
    if outcome.clip is not None:
        document["video"] = _video(outcome.clip)
    if with_embeddings and outcome.embeddings is not None:
        document["embeddings"] = {"id_photo": outcome.embeddings.id_photo.tolist(),
                                  "live": outcome.embeddings.live.tolist()}
    return document


def challenge_document(issued: IssuedChallenge) -> dict:
    challenge = issued.challenge
    return {"token": issued.token, "actions": [action.value for action in challenge.actions],
            "mirrored": challenge.mirrored, "issued_at": challenge.issued_at, "expires_at": challenge.expires_at,
            "key_id": challenge.key_id}
