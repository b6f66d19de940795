"""`facegate evaluate`'s pieces on one small labelled clip and a reduced pair set, through the real server
(the full run takes about half an hour: `make evaluate`)."""

import pytest

from facegate.calibration.run import calibrate
from facegate.evaluation import labels as clip_labels
from facegate.evaluation.actions import every_for, score
from facegate.evaluation.report import write_report
from facegate.evaluation.run import ClipMeasure, Evaluation
from facegate.evaluation.signals import Capture, measure_clip
from facegate_client import ClientOptions, ModelsClient
from python_backends.decision import DecisionConfig
from tests.integration.test_calibration import REDUCED

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def evaluation(triton_server):
    labels = clip_labels.load("single_face_video")
    result = Evaluation(DecisionConfig())
    with ModelsClient(triton_server.grpc_url, ClientOptions(timeout_s=120)) as client:
        signals = measure_clip(client, labels.asset, labels.frames, Capture(95))
        result.clips.append(ClipMeasure(labels.asset, Capture(95), tuple(signals)))
        result.actions.append((95, score(labels, signals, every_for(labels, 15), result.config)))
        result.calibration = calibrate(client, REDUCED)
    return result


def test_the_labelled_blink_is_found_and_nothing_else(evaluation):
    (quality, found), = evaluation.actions
    assert (found.blinks_found, found.blinks_labelled, found.blinks_false, found.turns_false) == (1, 1, 0, 0)
    assert found.fps == 15 and found.frames == 36


def test_the_genuine_clip_passes_the_gates_and_the_spoof_policy(evaluation):
    (clip,) = evaluation.clips
    assert len(clip.single) == 72 and clip.gate(evaluation.config) == "pass"
    assert not clip.spoof_rejects(evaluation.config, policy=True)


def test_report_states_sample_sizes(evaluation, tmp_path):
    out = tmp_path / "accuracy.md"
    write_report(evaluation, out)
    text = out.read_text()
    assert "| `single_face_video` | held out | 95 | 15 | 36 | 1/1 | 0 |" in text
    assert "72/72" in text and "false non-matches" in text
    assert out.with_suffix(".png").stat().st_size > 10_000
