"""One genuine clip as different phones would send it: verify must ACCEPT it every time, and REJECT it
against an impostor's ID photo every time (real server, real models).

The clip is turns_video (640x360, 24 fps; hand labels in facegate/evaluation/labels/turns_video.json). Its
segment 374-469 (4 s) shows a blink at 385-388 and then a turn to the subject's own right from 444; each
capture varies one thing from the base (JPEG quality 85, native 360p, 12 fps: every 2nd frame, 48 frames):
JPEG quality 50/70/95, 360p/720p, 8 fps (every 3rd frame from 374, 32 frames). At 24 fps verify's 64-frame
limit covers only 2.7 s, so the 24-fps capture is the clip's earlier segment 196-259 (she starts turned
to her own right, faces the camera from 226, blinks at 248-250), every frame. The ID photo is an ID-chip
stand-in of frame 335 (outside both segments); the impostor's is one of single_face_video's man.
"""

from __future__ import annotations

import pytest

from facegate import testdata
from facegate.evaluation.signals import Capture
from tests.integration.test_verify import codes, token, verify

pytestmark = pytest.mark.integration

BASE = {"quality": 85, "height": None, "frames": range(374, 470, 2), "actions": ("blink", "turn_right")}
CAPTURES = {
    "jpeg50": {"quality": 50}, "jpeg70": {"quality": 70}, "jpeg95": {"quality": 95},
    "360p": {"height": 360}, "720p": {"height": 720},
    "8fps": {"frames": range(374, 470, 3)}, "12fps": {},
    "24fps": {"frames": range(196, 260), "actions": ("turn_right", "blink")},
}


@pytest.fixture(scope="module")
def video():
    return dict(enumerate(testdata.video_frames("turns_video", limit=470)))


@pytest.fixture(scope="module")
def id_photos(video):
    impostor = testdata.video_frames("single_face_video", limit=1)[0]
    return {"genuine": testdata.chip_photo(video[335], left=295), "impostor": testdata.chip_photo(impostor, left=170)}


@pytest.mark.parametrize("name", CAPTURES)
def test_genuine_clip_is_accepted_and_an_impostor_rejected_in_every_capture(client, video, id_photos, name):
    settings = BASE | CAPTURES[name]
    capture = Capture(settings["quality"], settings["height"])
    frames = [capture.encode(video[n]) for n in settings["frames"]]
    actions = list(settings["actions"])
    assert 8 <= len(frames) <= 64
    genuine = verify(client, id_photos["genuine"], frames, token(client, actions))
    assert genuine["decision"] == "ACCEPT", (name, genuine["reasons"], genuine["liveness"], genuine["quality"])
    impostor = verify(client, id_photos["impostor"], frames, token(client, actions))
    assert (impostor["decision"], codes(impostor)) == ("REJECT", ["FACE_MISMATCH"]), (name, impostor["match"])
