"""Hand labels of the evaluation clips (facegate/evaluation/labels/*.json, each saying how it was made)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

LABEL_DIR = Path(__file__).with_name("labels")


@dataclass(frozen=True)
class Turn:
    start: int
    end: int
    action: str  # "turn_left" / "turn_right": the subject's own side


@dataclass(frozen=True)
class ClipLabels:
    """Frame numbers are the source clip's; every `step`-th frame of `window` was looked at (all are measured)."""

    asset: str
    fps: float
    window: tuple[int, int]  # [first, end) frames labelled
    step: int
    blinks: tuple[tuple[int, int], ...]  # inclusive frame ranges
    long_closures: tuple[tuple[int, int], ...]  # eyes held shut: no blink may be counted there
    turns: tuple[Turn, ...]
    ambiguous: tuple[tuple[int, int], ...]  # an event here is neither a hit nor a false detection
    method: str

    @property
    def frames(self) -> range:
        return range(self.window[0], self.window[1])


def load(asset: str) -> ClipLabels:
    raw = json.loads((LABEL_DIR / f"{asset}.json").read_text())
    return ClipLabels(raw["asset"], float(raw["fps"]), tuple(raw["window"]), int(raw.get("step", 1)),
                      tuple(tuple(b) for b in raw["blinks"]), tuple(tuple(c) for c in raw["long_closures"]),
                      tuple(Turn(*t["frames"], t["direction"]) for t in raw["turns"]),
                      tuple(tuple(a) for a in raw["ambiguous"]), raw["method"])


def labelled_assets() -> list[str]:
    return sorted(path.stem for path in LABEL_DIR.glob("*.json"))
