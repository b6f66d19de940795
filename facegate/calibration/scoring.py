"""The operating point from genuine and impostor similarity scores (pure numbers)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

THRESHOLD_RULE = ("the lowest threshold, in steps of 0.01, at which the one-sided 95 % upper bound on the share of "
                  "impostor pairs scoring at or above it is at most the target (above every impostor when too few "
                  "pairs let the bound reach the target)")
PER_KIND_RULE = ("the lowest threshold, in steps of 0.01, at which at most the target share of the impostor pairs "
                 "scores at or above it")


@dataclass(frozen=True)
class OperatingPoint:
    threshold: float
    target_fmr: float
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
    genuine, impostor = np.sort(genuine), np.sort(impostor)
    candidates = np.unique(np.concatenate([genuine, impostor]))
    fmr = 1.0 - np.searchsorted(impostor, candidates, side="left") / len(impostor)  # share >= t
    fnmr = np.searchsorted(genuine, candidates, side="left") / len(genuine)  # share < t
    best = int(np.argmin(np.abs(fmr - fnmr)))
    return float((fmr[best] + fnmr[best]) / 2), float(candidates[best])


def threshold_for_fmr(impostor: np.ndarray, target_fmr: float) -> float:
    """The lowest multiple of 0.01 with at most floor(target_fmr x n) impostor scores at or above it."""
    ranked = np.sort(np.asarray(impostor, dtype=np.float64))[::-1]
    allowed = int(math.floor(target_fmr * len(ranked)))
    if allowed >= len(ranked):
        return -1.0
    step = math.floor(round(ranked[allowed] * 100, 6)) / 100 + 0.01  # strictly above the first score not allowed
    return round(step, 2)


def bounded_threshold_for_fmr(impostor: np.ndarray, target_fmr: float) -> float:
    """THRESHOLD_RULE: a point estimate at the target is a coin toss on new people (a threshold tuned on half
    of ORL and scored on the other half missed 1e-3 that way); the bound keeps sampling error on the safe side."""
    impostor = np.asarray(impostor, dtype=np.float64)
    above_all = threshold_for_fmr(impostor, 0.0)
    threshold = threshold_for_fmr(impostor, target_fmr)
    while threshold < above_all:
        if upper_bound_95(int(np.sum(impostor >= threshold)), len(impostor)) <= target_fmr:
            return threshold
        threshold = round(threshold + 0.01, 2)
    return above_all


def fnmr_at_fmr(genuine: np.ndarray, impostor: np.ndarray, target_fmr: float) -> tuple[float, float, int, int]:
    """(threshold, FNMR, false non-matches, false matches) at the PER_KIND_RULE threshold for `target_fmr`."""
    genuine, impostor = np.asarray(genuine, dtype=np.float64), np.asarray(impostor, dtype=np.float64)
    threshold = threshold_for_fmr(impostor, target_fmr)
    misses = int(np.sum(genuine < threshold))
    return threshold, misses / len(genuine), misses, int(np.sum(impostor >= threshold))


def operating_point(genuine: np.ndarray, impostor: np.ndarray, target_fmr: float = 1e-3) -> OperatingPoint:
    """The threshold by THRESHOLD_RULE, and the error counts it gives on these scores."""
    genuine, impostor = np.asarray(genuine, dtype=np.float64), np.asarray(impostor, dtype=np.float64)
    if not len(genuine) or not len(impostor):
        raise ValueError("need genuine and impostor scores")
    threshold = bounded_threshold_for_fmr(impostor, target_fmr)
    false_non_matches, false_matches = int(np.sum(genuine < threshold)), int(np.sum(impostor >= threshold))
    eer, eer_threshold = equal_error_rate(genuine, impostor)
    return OperatingPoint(threshold, target_fmr, len(genuine), len(impostor), false_matches, false_non_matches,
                          upper_bound_95(false_matches, len(impostor)),
                          upper_bound_95(false_non_matches, len(genuine)), eer, eer_threshold)
