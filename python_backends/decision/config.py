"""Every threshold of the decision rules in one place.

Defaults are starting points from the models' published behaviour and the assets in
facegate.testdata; the match and identity thresholds in particular must be calibrated on real
ID/selfie pairs before production (see docs/reason-codes.md for what each check reports).
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class DecisionConfig:
    # Request limits (checked before any inference).
    min_frames: int = 8
    max_frames: int = 64
    max_image_bytes: int = 8 * 1024 * 1024
    max_image_pixels: int = 24_000_000  # a small PNG can declare a huge canvas

    # Quality gates. Every frame and the ID photo must show exactly one face: a frame with a
    # second face is MULTIPLE_FACES (REJECT). Exception, the ID-card ghost portrait rule: a second
    # face in the ID photo whose shorter box side is below ghost_max_ratio x the main face's is
    # the card's small security copy of the holder's portrait, and is not counted.
    min_single_face_fraction: float = 0.75  # frames with exactly one face, of all frames
    max_multi_face_frames: int = 0
    id_ghost_max_ratio: float = 0.5
    min_frame_face_px: float = 80.0  # median shorter box side over those frames
    min_id_face_px: float = 40.0  # chip photos are ~102x126 px with a face of ~60-70 px
    # Variance of the Laplacian of the grey 256x256 anti-spoofing face crop (liveness SHARPNESS,
    # 0..255 grey levels): median over frames, and the ID photo's.
    min_sharpness: float = 20.0

    # Identity consistency: a frame is an outlier below this similarity to the first face.
    identity_min_similarity: float = 0.4
    identity_max_outlier_frames: int = 1  # one bad embedding is noise, two are a swap

    # Blink: eye opening (mean of both eyes) falls below close_fraction x the clip's open-eye
    # baseline (this percentile of the clip's opening) and rises back above reopen_fraction x it.
    blink_baseline_percentile: float = 80.0
    blink_close_fraction: float = 0.6
    blink_reopen_fraction: float = 0.85

    # Turn: the customer's yaw leaves the clip's neutral (median yaw) by threshold degrees on the
    # challenged side; the turn ends when it comes back within return_fraction x threshold.
    turn_threshold_deg: float = 15.0  # prompted turns are 20-45 deg; natural sway stays within ~5
    turn_return_fraction: float = 0.5

    # Passive anti-spoofing: median spoof score over the frames.
    spoof_threshold: float = 0.5

    # Photo attack: no action detected and the 5-95 percentile spread of yaw, pitch and eye
    # opening (relative to the open-eye baseline) all below these.
    static_max_yaw_spread_deg: float = 2.0
    static_max_pitch_spread_deg: float = 2.0
    static_max_eye_spread: float = 0.08

    # Face match: cosine similarity of the ID face with the mean embedding of the clip's
    # match_frames most frontal single-face frames; to be calibrated.
    match_threshold: float = 0.5
    match_frames: int = 3

    def __post_init__(self) -> None:
        if not 0 < self.min_frames <= self.max_frames:
            raise ValueError("need 0 < min_frames <= max_frames")
        if not 0 < self.blink_close_fraction < self.blink_reopen_fraction <= 1:
            raise ValueError("need 0 < blink_close_fraction < blink_reopen_fraction <= 1")
        if not 0 < self.id_ghost_max_ratio <= 1:
            raise ValueError("need 0 < id_ghost_max_ratio <= 1")
        if self.match_frames < 1:
            raise ValueError("need match_frames >= 1")
        if not 0 < self.turn_return_fraction <= 1:
            raise ValueError("need 0 < turn_return_fraction <= 1")
        negative = [f.name for f in fields(self) if getattr(self, f.name) < 0]
        if negative:
            raise ValueError(f"must not be negative: {', '.join(negative)}")
