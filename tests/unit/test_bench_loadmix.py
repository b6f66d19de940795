from types import SimpleNamespace

from facegate.bench.loadmix import CASES, unexpected


def _result(decision: str, *codes: str):
    return SimpleNamespace(decision=decision, reasons=[SimpleNamespace(code=code) for code in codes])


def test_expected_decisions_pass_and_others_are_failures():
    assert unexpected(CASES["genuine"], _result("ACCEPT")) is None
    assert unexpected(CASES["impostor"], _result("REJECT", "FACE_MISMATCH")) is None
    assert "got REJECT" in unexpected(CASES["genuine"], _result("REJECT", "SPOOF_SUSPECTED"))
    assert unexpected(CASES["photo_attack"], _result("REJECT", "NO_BLINK", "STATIC_SEQUENCE")) is not None


def test_the_mix_is_mostly_genuine():
    weights = {name: case.weight for name, case in CASES.items()}
    genuine = weights["genuine"] + weights["genuine_video"]  # the same clip as frames or as its MP4
    assert genuine > sum(weights.values()) / 2 and set(weights) >= {"impostor", "photo_attack", "truncated_video"}
