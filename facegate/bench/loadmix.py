"""The load test's request mix: what each kind of request sends and the decision it must get."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from facegate.bench.material import Material


@dataclass(frozen=True)
class LoadCase:
    name: str
    weight: int  # relative frequency in the mix
    inputs: Callable[[Material], tuple[bytes, dict[str, Any]]]  # (ID photo, verify's clip: frames= or video=)
    decision: str
    first_reason: str | None  # the reason code that must come first; None for ACCEPT


CASES: dict[str, LoadCase] = {case.name: case for case in (
    LoadCase("genuine", 10, lambda m: (m.id_photo, {"frames": m.genuine}), "ACCEPT", None),
    LoadCase("genuine_video", 6, lambda m: (m.id_photo, {"video": m.genuine_video}), "ACCEPT", None),
    LoadCase("impostor", 2, lambda m: (m.impostor_id_photo, {"frames": m.genuine}), "REJECT", "FACE_MISMATCH"),
    LoadCase("photo_attack", 2, lambda m: (m.id_photo, {"frames": m.photo_attack}), "REJECT", "STATIC_SEQUENCE"),
    LoadCase("corrupt_frame", 2, lambda m: (m.id_photo, {"frames": m.corrupt}), "RETRY", "IMAGE_CORRUPT"),
    LoadCase("truncated_video", 1, lambda m: (m.id_photo, {"video": m.truncated_video}), "RETRY", "VIDEO_TRUNCATED"),
)}


def unexpected(case: LoadCase, result) -> str | None:
    """Why a verify result is not what the case must get (a failure in the statistics), or None."""
    decision = getattr(result.decision, "value", str(result.decision))
    codes = [getattr(reason.code, "value", str(reason.code)) for reason in result.reasons]
    if decision != case.decision or (case.first_reason and codes[:1] != [case.first_reason]):
        return f"expected {case.decision} {case.first_reason or ''}, got {decision} {codes}".replace("  ", " ")
    return None
