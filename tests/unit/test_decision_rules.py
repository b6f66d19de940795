import base64
import dataclasses

import numpy as np
import pytest

from python_backends.decision.challenge import Action, Challenge, ChallengePolicy
from python_backends.decision.config import DecisionConfig
from python_backends.decision.keyring import parse_keyring
from python_backends.decision.measurements import Box, FrameMeasurement, IdPhotoMeasurement, ImageFacts, LiveFace
from python_backends.decision.attempts import AttemptPolicy
from python_backends.decision.redis_token_store import RedisTokenStore
from python_backends.decision.sqlite_token_store import SqliteTokenStore
from python_backends.decision.reasons import Reason, Verdict
from python_backends.decision.rules import Decision, assess, screen, screen_faces
from python_backends.decision.tokens import ChallengeIssuer, ChallengeVerifier, TokenError

B, L, R = Action.BLINK, Action.TURN_LEFT, Action.TURN_RIGHT
CONFIG = DecisionConfig()
BLINK_EYES = [0.3, 0.16, 0.05, 0.12, 0.27, 0.3, 0.3, 0.3]
TURN_YAW = [0, 12, 26, 34, 27, 12, 2, 0]  # towards the customer's side, degrees
ID_PHOTO = IdPhotoMeasurement(face_count=1, box=Box(40, 40, 200, 230), sharpness=60.0, match_score=0.78)
JPEG = ImageFacts(encoded_bytes=60_000, width=640, height=480)


def challenge(*actions, mirrored=False):
    return Challenge(actions, "nonce", 0, 120, "k1", mirrored)


def clip(*performed, mirrored=False, seed=0):
    """Frames of a live customer doing `performed` in order, with a little natural jitter."""
    eyes, yaw = [0.3] * 4, [0.0] * 4
    for action in performed:
        eyes += BLINK_EYES if action is B else [0.3] * len(TURN_YAW)
        side = {B: 0, L: 1, R: -1}[action] * (-1 if mirrored else 1)  # mirrored frames flip the image yaw
        yaw += [side * value for value in TURN_YAW]
    eyes, yaw = eyes + [0.3] * 4, yaw + [0.0] * 4
    rng = np.random.default_rng(seed)
    return [
        FrameMeasurement(
            1,
            LiveFace(
                box=Box(200 + rng.normal(0, 2), 150, 330, 310),
                sharpness=70 + rng.normal(0, 5),
                eye_opening=(e + rng.normal(0, 0.005), e + rng.normal(0, 0.005)),
                yaw_deg=y + rng.normal(0, 0.8),
                pitch_deg=rng.normal(0, 0.8),
                spoof_score=0.05,
                identity_similarity=0.85 + rng.normal(0, 0.03),
            ),
        )
        for e, y in zip(eyes, yaw)
    ]


def with_faces(frames, indices, **changes):
    """`frames` with the faces at `indices` changed (all of them when indices is None)."""
    indices = range(len(frames)) if indices is None else indices
    return [
        dataclasses.replace(frame, face=dataclasses.replace(frame.face, **changes)) if i in indices else frame
        for i, frame in enumerate(frames)
    ]


def faceless(frames, indices, count=0):
    return [FrameMeasurement(count, None if count == 0 else frame.face) if i in indices else frame
            for i, frame in enumerate(frames)]


@pytest.mark.parametrize("actions", [(B, L), (R, B), (L, B, R), (B, R, B)])
@pytest.mark.parametrize("mirrored", [False, True])
def test_a_live_matching_customer_is_accepted(actions, mirrored):
    frames = clip(*actions, mirrored=mirrored)
    decision = assess(challenge(*actions, mirrored=mirrored), ID_PHOTO, frames, CONFIG)
    assert decision.verdict is Verdict.ACCEPT and decision.reasons == ()
    assert decision.match_score == 0.78 and decision.match_threshold == CONFIG.match_threshold
    evidence = decision.liveness
    assert [event.action for event in evidence.matched] == list(actions)
    # Each matched event lies in its action's 8-frame segment after the 4 lead frames.
    for position, event in enumerate(evidence.matched):
        assert 4 + 8 * position <= event.peak_frame < 4 + 8 * (position + 1)
    assert evidence.motion.blink_count == actions.count(B)
    assert evidence.spoof_score == pytest.approx(0.05)
    assert decision.quality.single_face_frames == len(frames)


def test_mirroring_is_taken_from_the_token():
    frames = clip(B, L, mirrored=True)
    assert assess(challenge(B, L, mirrored=True), ID_PHOTO, frames, CONFIG).verdict is Verdict.ACCEPT
    unmirrored = assess(challenge(B, L, mirrored=False), ID_PHOTO, frames, CONFIG)
    assert unmirrored.reasons == (Reason.ACTION_MISSING,)
    assert [e.action for e in unmirrored.liveness.motion.events] == [B, R]


class Clock:
    now = 1_700_000_000.0

    def __call__(self):
        return self.now


def token_errors(tmp_path) -> dict[Reason, TokenError]:
    """Each token failure, produced by the real issuer and verifier."""
    clock = Clock()
    secret = base64.b64encode(bytes(32)).decode()
    keyring = parse_keyring(f"k1:{secret}")
    store = SqliteTokenStore(tmp_path / "nonces", clock=clock)
    issuer = ChallengeIssuer(keyring, ChallengePolicy(ttl_s=60), clock=clock, lockouts=store)
    verifier = ChallengeVerifier(keyring, store, clock=clock)
    foreign = ChallengeIssuer(parse_keyring(f"k2:{secret}"), clock=clock).issue(mirrored=False).token
    used, stale = issuer.issue(mirrored=False).token, issuer.issue(mirrored=False).token
    bound = issuer.issue(mirrored=False, subject="subscriber-1")
    store.record_failure(bound.challenge.binding.keys(), AttemptPolicy(limit=1))
    unreachable = ChallengeVerifier(keyring, RedisTokenStore("redis://127.0.0.1:1/0"), clock=clock)
    verifier.redeem(used)
    attempts = {
        Reason.TOKEN_MALFORMED: "v1.k1.payload",
        Reason.TOKEN_FORGED: used[:-2] + ("AA" if not used.endswith("AA") else "BA"),
        Reason.TOKEN_UNKNOWN_KEY: foreign,
        Reason.TOKEN_REPLAYED: used,
        Reason.LOCKED_OUT: bound.token,
    }
    errors = {}
    for reason, token in attempts.items():
        with pytest.raises(TokenError) as error:
            verifier.redeem(token)
        errors[reason] = error.value
    with pytest.raises(TokenError) as error:
        unreachable.redeem(stale)
    errors[Reason.SERVICE_UNAVAILABLE] = error.value
    clock.now += 60
    with pytest.raises(TokenError) as error:
        verifier.redeem(stale)
    errors[Reason.TOKEN_EXPIRED] = error.value
    return errors


def scenario(reason: Reason, tmp_path) -> Decision:
    """A request that fails for `reason` (and, where possible, for nothing else)."""
    live, ask = clip(B, L), challenge(B, L)
    small = ImageFacts(encoded_bytes=0, width=640, height=480)
    requests = {
        Reason.IMAGE_CORRUPT: (JPEG, [JPEG] * 7 + [small] + [JPEG] * 8),
        Reason.IMAGE_TOO_LARGE: (ImageFacts(60_000, 20_000, 20_000), [JPEG] * 16),
        Reason.IMAGE_TOO_SMALL: (JPEG, [JPEG] * 15 + [ImageFacts(300, 1, 1)]),
        Reason.REQUEST_TOO_LARGE: (JPEG, [ImageFacts(70_000, 4890, 4890)] * 32),  # each allowed, not all together
        Reason.TOO_FEW_FRAMES: (JPEG, [JPEG] * (CONFIG.min_frames - 1)),
        Reason.TOO_MANY_FRAMES: (JPEG, [JPEG] * (CONFIG.max_frames + 1)),
    }
    if reason.name.startswith("TOKEN_") or reason in (Reason.SERVICE_UNAVAILABLE, Reason.LOCKED_OUT):
        return screen(token_errors(tmp_path)[reason], JPEG, [JPEG] * 16, CONFIG)
    if reason in requests:
        return screen(ask, *requests[reason], CONFIG)
    measured = {
        Reason.NO_FACE_ID_PHOTO: (IdPhotoMeasurement(0), live),
        Reason.NO_FACE_FRAMES: (ID_PHOTO, faceless(live, range(0, 24, 2))),
        Reason.MULTIPLE_FACES: (dataclasses.replace(ID_PHOTO, face_count=2), live),
        Reason.FACE_TOO_SMALL: (ID_PHOTO, with_faces(live, None, box=Box(10, 10, 60, 70))),
        Reason.IMAGE_BLURRY: (ID_PHOTO, with_faces(live, None, sharpness=2.0)),
        Reason.IDENTITY_CHANGED: (ID_PHOTO, with_faces(live, range(14, 24), identity_similarity=0.1)),
        Reason.SPOOF_SUSPECTED: (ID_PHOTO, with_faces(live, None, spoof_score=0.9)),
        Reason.STATIC_SEQUENCE: (ID_PHOTO, with_faces(live, None, eye_opening=(0.3, 0.3), yaw_deg=1.0, pitch_deg=0.0)),
        Reason.NO_BLINK: (ID_PHOTO, clip(L)),
        Reason.ACTION_MISSING: (ID_PHOTO, clip(B)),
        Reason.ACTION_ORDER: (ID_PHOTO, clip(L, B)),
        Reason.FACE_MISMATCH: (dataclasses.replace(ID_PHOTO, match_score=0.1), live),
    }
    return assess(ask, *measured[reason], CONFIG)


# The VIDEO_* codes come from the video path (python_backends/video): tests/unit/test_video_probe.py reaches each.
@pytest.mark.parametrize("reason", [reason for reason in Reason if not reason.name.startswith("VIDEO_")])
def test_every_reason_is_reachable(reason, tmp_path):
    decision = scenario(reason, tmp_path)
    assert decision.reasons[0] is reason
    assert decision.verdict is reason.verdict
    if reason is not Reason.STATIC_SEQUENCE:  # a photo also fails the actions (tested below)
        assert decision.reasons == (reason,)


def test_a_photo_is_static_and_fails_the_actions_too():
    photo = with_faces(clip(B, L), None, eye_opening=(0.3, 0.3), yaw_deg=1.0, pitch_deg=0.0)
    decision = assess(challenge(B, L), ID_PHOTO, photo, CONFIG)
    assert decision.verdict is Verdict.REJECT
    assert decision.reasons == (Reason.STATIC_SEQUENCE, Reason.NO_BLINK, Reason.ACTION_MISSING)


def test_one_bad_embedding_is_not_an_identity_change():
    frames = with_faces(clip(B, L), [9], identity_similarity=0.1)
    decision = assess(challenge(B, L), ID_PHOTO, frames, CONFIG)
    assert decision.verdict is Verdict.ACCEPT
    assert decision.liveness.identity_outlier_frames == (9,)


def test_a_few_faceless_frames_are_tolerated():
    frames = faceless(clip(B, L), [22, 23])
    assert assess(challenge(B, L), ID_PHOTO, frames, CONFIG).verdict is Verdict.ACCEPT


def test_many_multi_face_frames_are_multiple_faces():
    frames = faceless(clip(B, L), range(0, 24, 2), count=2)
    assert assess(challenge(B, L), ID_PHOTO, frames, CONFIG).reasons == (Reason.MULTIPLE_FACES,)


def test_valid_request_passes_screening():
    assert screen(challenge(B, L), JPEG, [JPEG] * CONFIG.min_frames, CONFIG) is None
    assert screen(challenge(B, L), JPEG, [JPEG] * CONFIG.max_frames, CONFIG) is None


def test_token_errors_come_before_request_errors(tmp_path):
    error = token_errors(tmp_path)[Reason.TOKEN_REPLAYED]
    decision = screen(error, ImageFacts(0, 0, 0, corrupt=True), [JPEG], CONFIG)
    assert decision.reasons == (Reason.TOKEN_REPLAYED,)


def test_request_errors_are_reported_together():
    decision = screen(challenge(B, L), ImageFacts(10**9, 640, 480), [ImageFacts(5, 1, 1, corrupt=True)], CONFIG)
    assert decision.verdict is Verdict.RETRY
    assert decision.reasons == (Reason.IMAGE_CORRUPT, Reason.IMAGE_TOO_LARGE, Reason.TOO_FEW_FRAMES)


def test_quality_problems_stop_before_liveness_and_match():
    frames = with_faces(clip(B, L), None, sharpness=5.0, spoof_score=0.9)
    assert 5.0 < CONFIG.min_frame_sharpness
    photo = dataclasses.replace(ID_PHOTO, match_score=0.1)
    decision = assess(challenge(B, L), photo, frames, CONFIG)
    assert decision.verdict is Verdict.RETRY
    assert decision.reasons == (Reason.IMAGE_BLURRY,)
    assert decision.liveness is None and decision.quality.median_sharpness == pytest.approx(5.0)


def test_the_id_photo_is_never_retried_for_sharpness_or_size_only_flagged():
    blurry_small = dataclasses.replace(ID_PHOTO, box=Box(40, 40, 60, 65), sharpness=1.0)
    decision = assess(challenge(B, L), blurry_small, clip(B, L), CONFIG)
    assert decision.verdict is Verdict.ACCEPT and decision.reasons == ()
    assert decision.quality.id_blurry is True and decision.quality.id_face_px == 20
    assert assess(challenge(B, L), ID_PHOTO, clip(B, L), CONFIG).quality.id_blurry is False
    # what a blurry chip does: it lowers the match score, and the match decides
    lowered = dataclasses.replace(blurry_small, match_score=CONFIG.match_threshold - 0.01)
    assert assess(challenge(B, L), lowered, clip(B, L), CONFIG).reasons == (Reason.FACE_MISMATCH,)


def test_passive_anti_spoofing_applies_only_within_its_reliable_sharpness():
    soft = CONFIG.spoof_min_sharpness - 1  # still above the blur gate
    assert soft >= CONFIG.min_frame_sharpness
    frames = with_faces(clip(B, L), None, spoof_score=0.99, sharpness=soft)
    decision = assess(challenge(B, L), ID_PHOTO, frames, CONFIG)
    assert decision.verdict is Verdict.ACCEPT and decision.liveness.spoof_applied is False
    sharp = with_faces(clip(B, L), None, spoof_score=0.99, sharpness=CONFIG.spoof_min_sharpness)
    decision = assess(challenge(B, L), ID_PHOTO, sharp, CONFIG)
    assert decision.reasons == (Reason.SPOOF_SUSPECTED,) and decision.liveness.spoof_applied is True


def test_reject_findings_outrank_retry_findings():
    frames = with_faces(clip(B), None, spoof_score=0.9)  # the turn is missing too
    photo = dataclasses.replace(ID_PHOTO, match_score=0.1)
    decision = assess(challenge(B, L), photo, frames, CONFIG)
    assert decision.verdict is Verdict.REJECT
    assert decision.reasons == (Reason.SPOOF_SUSPECTED, Reason.FACE_MISMATCH, Reason.ACTION_MISSING)


def test_match_threshold_is_inclusive_and_configurable():
    at = dataclasses.replace(ID_PHOTO, match_score=CONFIG.match_threshold)
    assert assess(challenge(B, L), at, clip(B, L), CONFIG).verdict is Verdict.ACCEPT
    stricter = dataclasses.replace(CONFIG, match_threshold=0.9)
    decision = assess(challenge(B, L), ID_PHOTO, clip(B, L), stricter)
    assert decision.reasons == (Reason.FACE_MISMATCH,) and decision.match_threshold == 0.9


def test_screen_faces_stops_on_face_counts_alone():
    assert screen_faces(1, [1] * 16, CONFIG) is None
    assert screen_faces(1, [1] * 12 + [0] * 4, CONFIG) is None  # 25 % faceless is tolerated
    assert screen_faces(0, [1] * 16, CONFIG).reasons == (Reason.NO_FACE_ID_PHOTO,)
    several = screen_faces(1, [1] * 15 + [2], CONFIG)
    assert several.verdict is Verdict.REJECT and several.reasons == (Reason.MULTIPLE_FACES,)
    assert several.quality.multi_face_frames == 1 and several.liveness is None
    faceless = screen_faces(1, [1] * 10 + [0] * 6, CONFIG)
    assert faceless.reasons == (Reason.NO_FACE_FRAMES,) and faceless.quality.faceless_frames == 6
