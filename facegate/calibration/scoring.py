"""The operating point from genuine and impostor similarity scores (pure numbers)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

THRESHOLD_RULE = ("the lowest threshold above every observed impostor score, plus a margin, "
                  "rounded up to 0.01")


@dataclass(frozen=True)
class OperatingPoint:
    threshold: float
    margin: float
    genuine_pairs: int
    impostor_pairs: int
    false_matches: int  # impostor score >= threshold
    false_non_matches: int  # genuine score < threshold
    fmr_upper_95: float  # one-sided 95 % upper bound on the false-match rate
    fnmr_upper_95: float
    eer: float  # equal error rate on this set, for comparison
    eer_threshold: float

    @property
    def fmr(self) -> float:
        return self.false_matches / self.impostor_pairs

    @property
    def fnmr(self) -> float:
        return self.false_non_matches / self.genuine_pairs


def upper_bound_95(errors: int, trials: int) -> float:
    """One-sided 95 % upper bound on an error rate: exact (Clopper-Pearson) for 0 errors, 1 - 0.05^(1/n)
    (about 3/n, the rule of three), else the Wilson score bound."""
    if errors == 0:
        return 1.0 - 0.05 ** (1.0 / trials)
    z, p = 1.645, errors / trials
    centre = p + z * z / (2 * trials)
    spread = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return min(1.0, (centre + spread) / (1 + z * z / trials))


def equal_error_rate(genuine: np.ndarray, impostor: np.ndarray) -> tuple[float, float]:
    """(rate, threshold) where false matches and false non-matches are closest, over the observed scores."""
    best = (math.inf, 0.0, 0.0)
    for t in np.unique(np.concatenate([genuine, impostor])):
        fmr, fnmr = float(np.mean(impostor >= t)), float(np.mean(genuine < t))
        if abs(fmr - fnmr) < best[0]:
            best = (abs(fmr - fnmr), (fmr + fnmr) / 2, float(t))
    return best[1], best[2]


def operating_point(genuine: np.ndarray, impostor: np.ndarray, margin: float = 0.05) -> OperatingPoint:
    """The threshold by THRESHOLD_RULE, and the error counts it gives on these scores."""
    genuine, impostor = np.asarray(genuine, dtype=np.float64), np.asarray(impostor, dtype=np.float64)
    if not len(genuine) or not len(impostor):
        raise ValueError("need genuine and impostor scores")
    threshold = math.ceil(round((impostor.max() + margin) * 100, 6)) / 100
    false_matches, false_non_matches = int(np.sum(impostor >= threshold)), int(np.sum(genuine < threshold))
    eer, eer_threshold = equal_error_rate(genuine, impostor)
    return OperatingPoint(threshold, margin, len(genuine), len(impostor), false_matches, false_non_matches,
                          upper_bound_95(false_matches, len(impostor)),
                          upper_bound_95(false_non_matches, len(genuine)), eer, eer_threshold)
