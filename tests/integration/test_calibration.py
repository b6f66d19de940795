"""`facegate calibrate` on a reduced set of the real assets, through the real server's embed ensemble."""

import pytest

from facegate.calibration.run import CalibrationSet, calibrate, report
from facegate.calibration.samples import ClipPlan
from facegate_client import ModelsClient

pytestmark = pytest.mark.integration

REDUCED = CalibrationSet(
    photos={"obama": "obama", "obama2": "obama", "biden": "biden", "su": "f1"},
    groups={},
    clips=(ClipPlan("turns_video", "turns_woman", range(245, 276, 15), range(380, 405, 8)),),
)


@pytest.fixture(scope="module")
def calibration(triton_server):
    with ModelsClient(triton_server.grpc_url) as client:
        return calibrate(client, REDUCED, margin=0.05)


def test_counts_cover_every_pair(calibration):
    # 4 photos + 3 chips + 4 live frames; genuine: obama-obama2 and 3 x 4 chip-frame
    assert calibration.samples == 11 and calibration.identities == 4 and calibration.without_face == []
    genuine = {name: n for name, (n, *_) in calibration.by_kind.items() if name.startswith("genuine")}
    assert genuine == {"genuine photo-photo": 1, "genuine chip-frame": 12}
    point = calibration.point
    assert point.genuine_pairs == 13
    assert point.impostor_pairs == sum(n for name, (n, *_) in calibration.by_kind.items()
                                       if name.startswith("impostor"))
    assert point.genuine_pairs + point.impostor_pairs == 11 * 10 // 2 - 3 - 6  # less chip-chip and frame-frame


def test_genuine_scores_beat_impostor_scores(calibration):
    assert calibration.lowest_genuine[0].score > calibration.highest_impostor[0].score
    point = calibration.point
    assert point.false_matches == 0 and point.threshold > calibration.highest_impostor[0].score
    assert point.eer == 0.0


def test_report_states_rule_and_uncertainty(calibration):
    text = report(calibration)
    assert "highest impostor" in text and "95 % upper bound" in text and f"{calibration.point.threshold:.2f}" in text
