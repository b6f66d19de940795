"""`facegate calibrate` on a reduced set of the real assets, through the real server's embed ensemble."""

import pytest

from facegate.calibration.run import CalibrationSet, calibrate, report
from facegate.calibration.samples import ClipPlan, OrlPlan
from facegate_client import ModelsClient

pytestmark = pytest.mark.integration

REDUCED = CalibrationSet(
    photos={"obama": "obama", "obama2": "obama", "biden": "biden", "su": "f1"},
    groups={},
    clips=(ClipPlan("turns_video", "turns_woman", range(245, 276, 15), range(380, 405, 8)),),
    orl=OrlPlan(people=range(1, 3), images=range(1, 4)),
)


@pytest.fixture(scope="module")
def calibration(triton_server):
    with ModelsClient(triton_server.grpc_url) as client:
        return calibrate(client, REDUCED, target_fmr=1e-3)


def test_counts_cover_every_pair(calibration):
    # 4 photos + 3 chips + 4 live frames, and 2 ORL people x 3 images as photos and as ID-chip stress chips
    assert calibration.samples == 23 and calibration.identities == 6 and calibration.without_face == []
    genuine = {name: n for name, (n, *_) in calibration.by_kind.items() if name.startswith("genuine")}
    # photo-photo: obama-obama2 + 2 x 3 ORL; chip-photo: each ORL chip against the person's 2 other photos
    assert genuine == {"genuine photo-photo": 7, "genuine chip-frame": 12, "genuine chip-photo": 12}
    point = calibration.point
    assert point.genuine_pairs == 31
    assert point.impostor_pairs == sum(n for name, (n, *_) in calibration.by_kind.items()
                                       if name.startswith("impostor"))
    # less same-person chip-chip (3 + 2 x 3), frame-frame (6) and chip-photo of one image (6)
    assert point.genuine_pairs + point.impostor_pairs == 23 * 22 // 2 - 9 - 6 - 6
    assert set(calibration.fnmr_at) == {"photo-photo", "chip-frame", "chip-photo"}


def test_under_a_thousand_impostors_the_threshold_clears_them_all(calibration):
    point = calibration.point
    assert point.impostor_pairs < 1000
    assert point.false_matches == 0 and point.threshold > calibration.highest_impostor[0].score
    assert point.fnmr < 0.2 and point.eer < 0.1


def test_report_states_rule_and_uncertainty(calibration):
    text = report(calibration)
    assert "highest impostor" in text and "95 % upper bound" in text and f"{calibration.point.threshold:.2f}" in text
