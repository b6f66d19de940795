"""`python -m facegate.bench.decision_check`: verify's decisions on the real test clips, in-process.

Runs the verify pipeline (same preprocessing, models and decision layer as the server, through
`InProcessEnsembles`) on the clips the integration tests use and prints one JSON line per case:
decision, reasons, match and spoof scores, identity outliers. Run it before and after a change to
the pipeline and diff the output: a change of decision must be explained (docs/benchmark.md).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator

import numpy as np

from facegate import testdata
from facegate.bench.inprocess import InProcessEnsembles
from facegate.bench.inprocess_runs import LocalVerifier
from python_backends.decision import DecisionConfig

GENUINE = ("blink", "turn_right")


def cases() -> Iterator[tuple[str, bytes, list[bytes], tuple[str, ...], bool]]:
    """(name, ID photo, frames, challenged actions, mirrored) for each real clip of the test suite."""
    video = testdata.video_frames("turns_video", limit=470)
    rgb = video[374:470:2]
    genuine = [testdata.encode(frame) for frame in rgb]
    id_photo = testdata.chip_photo(video[260], left=295)
    other = [testdata.encode(frame) for frame in testdata.video_frames("single_face_video", step=3)]
    yield "genuine_48", id_photo, genuine, GENUINE, False
    yield "genuine_16_even", id_photo, genuine[::3], GENUINE, False
    yield "genuine_mirrored", id_photo, [testdata.encode(np.ascontiguousarray(f[:, ::-1])) for f in rgb], GENUINE, True
    yield "impostor_id_photo", testdata.read("obama"), genuine, GENUINE, False
    yield "still_photo_attack", id_photo, testdata.still_photo_attack(video[260]), GENUINE, False
    yield "action_missing", id_photo, genuine, ("blink", "turn_left"), False
    yield "action_order", id_photo, genuine, ("turn_right", "blink"), False
    yield "swap_woman_first", id_photo, genuine[:16] + other[:16], GENUINE, False
    yield "swap_man_first", id_photo, other[:16] + genuine[:16], GENUINE, False
    yield "stray_first_frame", id_photo, other[:1] + genuine[1:], GENUINE, False
    yield "blurred", id_photo, [testdata.blurred(frame, 3) for frame in genuine[:16]], GENUINE, False
    yield "other_person_clip", id_photo, other, ("blink", "turn_left"), False


def main() -> int:
    with LocalVerifier(InProcessEnsembles(), DecisionConfig()) as verifier:
        for name, id_photo, frames, actions, mirrored in cases():
            decision = verifier.decide(id_photo, frames, actions, mirrored)
            evidence = decision.liveness
            print(json.dumps({
                "case": name, "frames": len(frames), "decision": decision.verdict.value,
                "reasons": [reason.value for reason in decision.reasons],
                "match": None if decision.match_score is None else round(decision.match_score, 3),
                "spoof": None if evidence is None else round(evidence.spoof_score, 3),
                "identity_outliers": None if evidence is None else list(evidence.identity_outlier_frames),
            }), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
