"""One genuine clip as different phones would send it: verify must ACCEPT it every time, and REJECT it
against an impostor's ID photo every time (real server, real models).

The clip: turns_video frames 196-259 (2.7 s at 24 fps, hand-labelled in facegate/evaluation/labels): the
customer starts turned to her own right and comes back to the front by frame 226, then blinks at 248-250.
Each capture varies one thing from the base (JPEG quality 85, native 640x360, 15 fps): JPEG quality
50/70/95, 360p/720p, 8/15/25 fps (frames picked nearest to each time step, 21-64 frames). The ID photo is an
ID-chip stand-in of frame 335 (outside the clip); the impostor's is one of single_face_video's man.
"""

from __future__ import annotations

import pytest

from facegate import testdata
from facegate.evaluation.signals import Capture
from tests.integration.test_verify import codes, token, verify

pytestmark = pytest.mark.integration

SOURCE_FPS, FIRST, END = 23.976, 196, 260
ACTIONS = ["turn_right", "blink"]
BASE = {"quality": 85, "height": None, "fps": 15}
CAPTURES = [{"quality": q} for q in (50, 70, 95)] + [{"height": h} for h in (360, 720)] + \
           [{"fps": f} for f in (8, 15, 25)]


def sampled(fps: int) -> list[int]:
    """Source frame numbers nearest to each 1/fps step over the clip."""
    count = int((END - FIRST) * fps / SOURCE_FPS)
    return sorted({FIRST + round(k * SOURCE_FPS / fps) for k in range(count)} & set(range(FIRST, END)))


@pytest.fixture(scope="module")
def video():
    return dict(enumerate(testdata.video_frames("turns_video", limit=340)))


@pytest.fixture(scope="module")
def id_photos(video):
    impostor = testdata.video_frames("single_face_video", limit=1)[0]
    return {"genuine": testdata.chip_photo(video[335], left=295), "impostor": testdata.chip_photo(impostor, left=170)}


def _frames(video, change: dict) -> list[bytes]:
    settings = BASE | change
    capture = Capture(settings["quality"], settings["height"])
    return [capture.encode(video[n]) for n in sampled(settings["fps"])]


@pytest.mark.parametrize("change", CAPTURES, ids=lambda c: "-".join(f"{k}{v}" for k, v in c.items()))
def test_genuine_clip_is_accepted_and_an_impostor_rejected_in_every_capture(client, video, id_photos, change):
    frames = _frames(video, change)
    assert 8 <= len(frames) <= 64
    genuine = verify(client, id_photos["genuine"], frames, token(client, ACTIONS))
    assert genuine["decision"] == "ACCEPT", (change, genuine["reasons"], genuine["liveness"], genuine["quality"])
    impostor = verify(client, id_photos["impostor"], frames, token(client, ACTIONS))
    assert (impostor["decision"], codes(impostor)) == ("REJECT", ["FACE_MISMATCH"]), (change, impostor["match"])
