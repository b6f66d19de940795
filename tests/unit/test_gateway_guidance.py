import numpy as np
import pytest

from facegate.gateway.guidance import GuidanceRules, Hint, Oval, advise
from facegate_client import Face

W, H = 400, 360
RULES = GuidanceRules()
RX, RY = RULES.oval.semi_axes(W, H)


def face(cx=W / 2, cy=H / 2, height=2 * RY, nose_shift=0.0) -> Face:
    width = 0.75 * height
    eyes_y, eye_gap = cy - 0.15 * height, 0.4 * width
    landmarks = np.array([[cx - eye_gap / 2, eyes_y], [cx + eye_gap / 2, eyes_y], [cx + nose_shift * eye_gap, cy],
                          [cx - eye_gap / 2, cy + 0.25 * height], [cx + eye_gap / 2, cy + 0.25 * height]], np.float32)
    return Face((cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2), 0.99, landmarks)


def test_oval_is_centred_and_kept_inside_narrow_frames():
    assert Oval().semi_axes(400, 360) == pytest.approx((0.75 * 153, 153))
    assert Oval().semi_axes(200, 360) == pytest.approx((90, 153))  # 0.9 x half the width


@pytest.mark.parametrize(("faces", "hint"), [
    ([], Hint.NO_FACE),
    ([face(), face(cx=60, height=80)], Hint.SEVERAL_FACES),
    ([face(height=0.5 * 2 * RY)], Hint.TOO_FAR),
    ([face(height=1.3 * 2 * RY)], Hint.TOO_CLOSE),
    ([face(cx=W / 2 + 0.6 * RX)], Hint.OFF_CENTRE),
    ([face(cy=H / 2 - 0.6 * RY)], Hint.OFF_CENTRE),
    ([face(nose_shift=0.5)], Hint.LOOKING_AWAY),
    ([face(nose_shift=-0.5)], Hint.LOOKING_AWAY),
    ([face()], Hint.OK),
    ([face(height=0.6 * 2 * RY, cx=W / 2 + 0.4 * RX, nose_shift=0.3)], Hint.OK),
])
def test_the_first_thing_to_change_is_advised(faces, hint):
    assert advise(faces, W, H, RULES) == hint


def test_a_profile_with_both_eyes_on_one_point_is_looking_away():
    profile = face()
    profile.landmarks[1] = profile.landmarks[0]
    assert advise([profile], W, H, RULES) == Hint.LOOKING_AWAY
