"""The identity rule on the real server: a clip whose person changes half-way is REJECTed as
IDENTITY_CHANGED, whichever person comes first; the genuine clip and a clip with one stray frame
at the start (compared with the clip's medoid face, not its first frame) are not. Only an even
sample of the frames, first and last included, is embedded (python_backends/verify/frame_selection.py)."""

from __future__ import annotations

import pytest

from facegate import testdata
from python_backends.decision import Reason
from tests.integration.test_verify import codes, genuine, genuine_rgb, id_photo, token, turns_video, verify  # noqa: F401

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def other_person():
    """The man of single_face_video, every 3rd frame (16 frames)."""
    return [testdata.encode(frame) for frame in testdata.video_frames("single_face_video", step=3, limit=16)]


@pytest.mark.parametrize("woman_first", [True, False])
def test_a_person_swapped_half_way_is_an_identity_change(client, id_photo, genuine, other_person, woman_first):
    halves = (genuine[:16], other_person) if woman_first else (other_person, genuine[:16])
    result = verify(client, id_photo, halves[0] + halves[1], token(client))
    assert result["decision"] == "REJECT" and Reason.IDENTITY_CHANGED.value in codes(result)
    outliers = result["liveness"]["identity_outlier_frames"]  # of the embedded sample (frame_selection)
    assert len(outliers) >= 2 and (set(outliers) <= set(range(16)) or set(outliers) <= set(range(16, 32)))


def test_the_genuine_clip_keeps_its_identity(client, id_photo, genuine):
    result = verify(client, id_photo, genuine, token(client))
    assert Reason.IDENTITY_CHANGED.value not in codes(result)
    assert result["liveness"]["identity_outlier_frames"] == []


def test_one_stray_first_frame_is_a_single_outlier(client, id_photo, genuine, other_person):
    result = verify(client, id_photo, other_person[:1] + genuine[1:], token(client))
    assert result["liveness"]["identity_outlier_frames"] == [0]
    assert result["decision"] == "ACCEPT", result["reasons"]
