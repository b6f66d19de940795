"""The orchestration against in-memory ensembles (the real ones: tests/integration/test_verify.py)."""

import asyncio
import base64
import dataclasses

import numpy as np
import pytest

from facegate import testdata
from python_backends.decision import (
    AttemptRecord,
    ChallengeIssuer,
    ChallengePolicy,
    ChallengeVerifier,
    DecisionConfig,
    Reason,
    SqliteTokenStore,
    Verdict,
    parse_keyring,
)
from python_backends.verify.ensembles import Faces, FaceSignals, InferenceFailed
from python_backends.verify.pipeline import Verification, VerifyInputs
from python_backends.video import VideoProblem
from python_backends.video.clip_frames import ChosenFrames

KEYRING = parse_keyring("k1:" + base64.b64encode(b"k" * 32).decode())
EYES = [0.3] * 4 + [0.3, 0.15, 0.05, 0.2, 0.3] + [0.3] * 7  # a blink
YAW = [0.0] * 9 + [5, 15, 25, 15, 3, 0, 0]  # then a turn to the customer's left


def image(value: int) -> bytes:
    """A distinct real JPEG per frame (the fake ensembles look results up by the bytes)."""
    return testdata.encode(np.full((32, 32, 3), value, dtype=np.uint8))


FRAMES = tuple(image(i) for i in range(len(EYES)))
ID_PHOTO = image(200)


class FakeEnsembles:
    def __init__(self, faces=None, fail=None, id_embedding=(1.0, 0.0), spoof_score=0.05):
        self.faces = faces or {}
        self.spoof_score = spoof_score
        self.fail = fail
        self.id_embedding = np.array(id_embedding)
        self.calls = []

    def _face(self, blob, count=1):
        count = self.faces.get(blob, count)
        return Faces(np.array([[0, 0, 100 + 10 * k, 120] for k in range(count)], float).reshape(-1, 4),
                     np.zeros((count, 5, 2)))

    async def detect(self, images):
        self.calls.append(("detect", len(images)))
        if self.fail:
            raise InferenceFailed("detect", self.fail)
        return [self._face(blob) for blob in images]

    async def signals(self, images, boxes, landmarks):
        self.calls.append(("signals", len(images)))
        position = {blob: i for i, blob in enumerate(FRAMES)}
        return [FaceSignals((EYES[position[b]],) * 2, YAW[position[b]], 0.0, 50.0) if b in position
                else FaceSignals((0.3, 0.3), 0.0, 0.0, 50.0) for b in images]

    async def spoof(self, images, boxes, landmarks):
        """`spoof_score`: one score for every face, or a list handed out in the order faces are scored."""
        self.calls.append(("spoof", len(images)))
        if isinstance(self.spoof_score, list):
            scored = sum(count for name, count in self.calls if name == "spoof")
            return np.array(self.spoof_score[scored - len(images):scored])
        return np.full(len(images), self.spoof_score)

    async def embed(self, images, landmarks):
        self.calls.append(("embed", len(images)))
        return np.array([self.id_embedding if blob == ID_PHOTO else [1.0, 0.0] for blob in images])


def run(ensembles, tmp_path, token=None, frames=FRAMES, id_photo=ID_PHOTO, clips=None, video=None,
        config=DecisionConfig()):
    issuer = ChallengeIssuer(KEYRING, ChallengePolicy(allow_requested_actions=True))
    token = token or issuer.issue(False, ["blink", "turn_left"]).token
    verification = Verification(ChallengeVerifier(KEYRING, SqliteTokenStore(tmp_path)), config, ensembles,
                                clips)
    return asyncio.run(verification.run(VerifyInputs(id_photo, tuple(frames), token, video)))


def test_genuine_request_batches_each_stage_once(tmp_path):
    ensembles = FakeEnsembles()
    outcome = run(ensembles, tmp_path)
    assert outcome.decision.verdict is Verdict.ACCEPT, outcome.decision.reasons
    assert outcome.decision.match_score == pytest.approx(1.0)
    config = DecisionConfig()
    extra = [count for name, count in ensembles.calls if name == "embed"][2:]  # frontal frames not in the sample
    assert sorted(ensembles.calls) == sorted([("detect", 1), ("detect", len(FRAMES)), ("signals", len(FRAMES)),
                                              ("signals", 1), ("embed", 1), ("embed", config.identity_frames),
                                              ("spoof", config.spoof_frames // 2 + 1)] + [("embed", n) for n in extra])
    assert sum(extra) <= config.match_frames
    assert {"screen", "detect", "signals", "spoof_embed", "decide", "total"} <= set(outcome.timings_ms)


def test_the_scored_frames_decide_the_spoof_check(tmp_path):
    outcome = run(FakeEnsembles(spoof_score=0.9), tmp_path)
    assert outcome.decision.reasons == (Reason.SPOOF_SUSPECTED,)
    assert outcome.decision.liveness.spoof_score == pytest.approx(0.9)


def test_a_split_first_pair_scores_the_third_frame(tmp_path):
    ensembles = FakeEnsembles(spoof_score=[0.9, 0.1, 0.8])
    outcome = run(ensembles, tmp_path)
    assert [call for call in ensembles.calls if call[0] == "spoof"] == [("spoof", 2), ("spoof", 1)]
    assert outcome.decision.reasons == (Reason.SPOOF_SUSPECTED,)
    assert outcome.decision.liveness.spoof_score == pytest.approx(0.8)  # the median of all three


def test_an_agreeing_first_pair_decides_alone(tmp_path):
    ensembles = FakeEnsembles(spoof_score=[0.1, 0.3, 0.9])
    outcome = run(ensembles, tmp_path)
    assert [call for call in ensembles.calls if call[0] == "spoof"] == [("spoof", 2)]
    assert outcome.decision.verdict is Verdict.ACCEPT, outcome.decision.reasons
    assert outcome.decision.liveness.spoof_score == pytest.approx(0.2)


def test_without_the_majority_stop_every_chosen_frame_is_scored(tmp_path):
    ensembles = FakeEnsembles(spoof_score=[0.1, 0.3, 0.9])
    outcome = run(ensembles, tmp_path, config=DecisionConfig(spoof_stop_at_majority=False))
    assert [call for call in ensembles.calls if call[0] == "spoof"] == [("spoof", 3)]
    assert outcome.decision.liveness.spoof_score == pytest.approx(0.3)


def test_token_errors_stop_before_inference(tmp_path):
    ensembles = FakeEnsembles()
    outcome = run(ensembles, tmp_path, token="v1.k1.bm9wZQ.bm9wZQ")
    assert outcome.decision.reasons == (Reason.TOKEN_FORGED,) and ensembles.calls == []


def test_request_errors_stop_before_inference(tmp_path):
    ensembles = FakeEnsembles()
    outcome = run(ensembles, tmp_path, frames=FRAMES[:3])
    assert outcome.decision.reasons == (Reason.TOO_FEW_FRAMES,) and ensembles.calls == []


def test_face_counts_stop_after_detection(tmp_path):
    ensembles = FakeEnsembles(faces={ID_PHOTO: 0})
    assert run(ensembles, tmp_path).decision.reasons == (Reason.NO_FACE_ID_PHOTO,)
    assert {name for name, _ in ensembles.calls} == {"detect"}
    second_face = FakeEnsembles(faces={FRAMES[3]: 2})
    decision = run(second_face, tmp_path).decision
    assert decision.verdict is Verdict.REJECT and decision.reasons == (Reason.MULTIPLE_FACES,)


def test_another_persons_id_photo_is_a_mismatch(tmp_path):
    outcome = run(FakeEnsembles(id_embedding=(0.0, 1.0)), tmp_path)
    assert outcome.decision.reasons == (Reason.FACE_MISMATCH,)


def test_an_image_the_decoder_refuses_is_corrupt_and_other_failures_propagate(tmp_path):
    outcome = run(FakeEnsembles(fail="IMAGE: image 3: corrupt or truncated image data"), tmp_path)
    assert outcome.decision.reasons == (Reason.IMAGE_CORRUPT,)
    with pytest.raises(InferenceFailed):
        run(FakeEnsembles(fail="model face_detector is not ready"), tmp_path)


def test_a_failed_bound_attempt_is_counted_and_a_request_error_is_not(tmp_path):
    store = SqliteTokenStore(tmp_path)
    issuer = ChallengeIssuer(KEYRING, ChallengePolicy(allow_requested_actions=True), lockouts=store)
    verification = Verification(ChallengeVerifier(KEYRING, store), DecisionConfig(), FakeEnsembles(id_embedding=(0.0, 1.0)))

    def verify(frames=FRAMES):
        token = issuer.issue(False, ["blink", "turn_left"], subject="subscriber-1").token
        return asyncio.run(verification.run(VerifyInputs(ID_PHOTO, tuple(frames), token)))

    assert verify(FRAMES[:3]).attempt == AttemptRecord()  # TOO_FEW_FRAMES: the capture's fault
    mismatch = verify()
    assert mismatch.decision.reasons == (Reason.FACE_MISMATCH,) and mismatch.attempt == AttemptRecord(("subject",))


class StandInClips:
    """A VIDEO upload at the seam: the clip source answers FRAMES as its chosen frames, with the faces
    and signals FakeEnsembles would find in them (the real one: tests/integration/test_verify_video.py)."""

    def __init__(self, problem: Reason | None = None):
        self.problem, self.asked = problem, 0

    async def choose(self, video: bytes) -> ChosenFrames:
        self.asked += 1
        if self.problem:
            raise VideoProblem(self.problem, "refused")
        measured = FakeEnsembles()
        faces, signals = await measured.detect(FRAMES), await measured.signals(FRAMES, None, None)
        return ChosenFrames(FRAMES, tuple(faces), tuple(signals), tuple(range(0, 3 * len(FRAMES), 3)),
                            (0.0,) * len(FRAMES), 3 * len(FRAMES), 30.0, "h264", 640, 360, 0, "ffmpeg")


def test_the_chosen_frames_run_the_frame_path_on_what_screening_measured(tmp_path):
    ensembles = FakeEnsembles()
    outcome = run(ensembles, tmp_path, frames=(), clips=StandInClips(), video=b"clip")
    assert outcome.decision.verdict is Verdict.ACCEPT, outcome.decision.reasons
    assert outcome.clip is not None and outcome.clip.decoded_frames == 3 * len(FRAMES)
    assert "video" in outcome.timings_ms
    config = DecisionConfig()
    assert ("detect", 1) in ensembles.calls and ("signals", 1) in ensembles.calls  # the ID photo's
    assert not [call for call in ensembles.calls if call[0] in ("detect", "signals") and call[1] > 1]
    assert ("spoof", config.spoof_frames // 2 + 1) in ensembles.calls


def test_a_second_face_screening_found_in_a_chosen_frame_still_rejects(tmp_path):
    chosen = asyncio.run(StandInClips().choose(b"clip"))
    two = Faces(np.array([[0, 0, 100, 120], [200, 0, 290, 110]], float), np.zeros((2, 5, 2)))
    with_two = dataclasses.replace(chosen, faces=chosen.faces[:3] + (two,) + chosen.faces[4:])

    class TwoFaces(StandInClips):
        async def choose(self, video: bytes) -> ChosenFrames:
            return with_two

    decision = run(FakeEnsembles(), tmp_path, frames=(), clips=TwoFaces(), video=b"clip").decision
    assert (decision.verdict, decision.reasons) == (Verdict.REJECT, (Reason.MULTIPLE_FACES,))


def test_a_refused_clip_answers_its_reason_only(tmp_path):
    outcome = run(FakeEnsembles(), tmp_path, frames=(), clips=StandInClips(Reason.VIDEO_TRUNCATED),
                  video=b"clip")
    assert (outcome.decision.verdict, outcome.decision.reasons) == (Verdict.RETRY, (Reason.VIDEO_TRUNCATED,))


def test_a_bad_token_stops_before_the_clip_is_decoded(tmp_path):
    clips = StandInClips()
    outcome = run(FakeEnsembles(), tmp_path, token="v1.k1.bad.token", frames=(), clips=clips, video=b"clip")
    assert outcome.decision.verdict is Verdict.REJECT and clips.asked == 0
