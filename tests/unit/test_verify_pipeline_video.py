"""A VIDEO upload at the seam with the verify pipeline (stand-in clip source; the real one:
tests/integration/test_verify_video.py)."""

import asyncio

from python_backends.decision import (
    ChallengeIssuer,
    ChallengePolicy,
    ChallengeVerifier,
    DecisionConfig,
    Reason,
    SqliteNonceStore,
    Verdict,
)
from python_backends.verify.pipeline import Verification, VerifyInputs
from python_backends.video import VideoProblem
from python_backends.video.clip_frames import ChosenFrames
from tests.unit.test_verify_pipeline import FRAMES, ID_PHOTO, KEYRING, FakeEnsembles


class StandInClips:
    def __init__(self, problem: Reason | None = None):
        self.problem, self.asked = problem, 0

    async def choose(self, video: bytes) -> ChosenFrames:
        self.asked += 1
        if self.problem:
            raise VideoProblem(self.problem, "refused")
        return ChosenFrames(FRAMES, tuple(range(0, 3 * len(FRAMES), 3)), (0.0,) * len(FRAMES), 3 * len(FRAMES),
                            30.0, "h264", 640, 360, 0)


def run(clips, tmp_path, token=None):
    issuer = ChallengeIssuer(KEYRING, ChallengePolicy(allow_requested_actions=True))
    token = token or issuer.issue(False, ["blink", "turn_left"]).token
    verification = Verification(ChallengeVerifier(KEYRING, SqliteNonceStore(tmp_path)), DecisionConfig(),
                                FakeEnsembles(), clips)
    return asyncio.run(verification.run(VerifyInputs(ID_PHOTO, (), token, video=b"clip")))


def test_the_chosen_frames_run_the_frame_path(tmp_path):
    outcome = run(StandInClips(), tmp_path)
    assert outcome.decision.decision is Verdict.ACCEPT, outcome.decision.reasons
    assert outcome.clip is not None and outcome.clip.decoded_frames == 3 * len(FRAMES)
    assert "video" in outcome.timings_ms


def test_a_refused_clip_answers_its_reason_only(tmp_path):
    outcome = run(StandInClips(Reason.VIDEO_TRUNCATED), tmp_path)
    assert (outcome.decision.decision, outcome.decision.reasons) == (Verdict.RETRY, (Reason.VIDEO_TRUNCATED,))


def test_a_bad_token_stops_before_the_clip_is_decoded(tmp_path):
    clips = StandInClips()
    outcome = run(clips, tmp_path, token="v1.k1.bad.token")
    assert outcome.decision.decision is Verdict.REJECT and clips.asked == 0
