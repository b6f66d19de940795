"""Every threshold of the decision rules in one place.

Defaults are starting points from the models' published behaviour and the assets in
facegate.testdata; the match and identity thresholds in particular must be calibrated on real
ID/selfie pairs before production (see docs/reason-codes.md for what each check reports).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from python_backends.image_limits import MAX_IMAGE_PIXELS, MIN_IMAGE_SIDE_PX


@dataclass(frozen=True)
class DecisionConfig:
    # Request limits (checked before any inference).
    min_frames: int = 8
    max_frames: int = 64
    max_image_bytes: int = 8 * 1024 * 1024
    max_image_pixels: int = MAX_IMAGE_PIXELS  # python_backends/image_limits.py, shared with the decoders
    min_image_side_px: int = MIN_IMAGE_SIDE_PX
    # Decoded pixels of all the request's images together (header sizes), the bound on what one
    # verification makes the pre-processing models hold: 64 Full-HD frames and a 12-Mpx ID photo.
    # Each pre-processing step decodes the images it gets once: RGB, 3 bytes a pixel.
    max_request_pixels: int = 150_000_000

    # Quality gates. Every frame and the ID photo must show exactly one face: a frame with a
    # second face is MULTIPLE_FACES (REJECT). Exception, the ID-card ghost portrait rule: a second
    # face in the ID photo whose shorter box side is below ghost_max_ratio x the main face's is
    # the card's small security copy of the holder's portrait, and is not counted.
    min_single_face_fraction: float = 0.75  # frames with exactly one face, of all frames
    max_multi_face_frames: int = 0
    id_ghost_max_ratio: float = 0.5
    min_frame_face_px: float = 80.0  # median shorter box side over those frames
    # Sharpness = variance of the Laplacian of the grey 256x256 anti-spoofing face crop (liveness
    # SHARPNESS, 0..255 grey). It falls with the face's size (a small face is upscaled). Calibrated on real
    # captures (docs/accuracy.md): the 400x300 webcam clip (face ~98 px, soft focus) has a median of 7.9-8.6 at
    # JPEG q50-90, 1.2 blurred by 3 px; the 640x360 studio clip blurred by 3 px 4.7 (sharp: 230-260).
    min_frame_sharpness: float = 6.0  # median over the single-face frames
    # The ID photo is never RETRYed for its size or sharpness (the customer cannot change the chip): below
    # this the result flags it blurry (quality.id_blurry) and the match score, lowered by the blur, decides.
    id_blurry_sharpness: float = 5.0

    # Identity consistency: a frame is an outlier below this similarity to the clip's medoid face.
    # Only identity_frames single-face frames, spread evenly over the clip (first and last included,
    # python_backends/verify/frame_selection.py), are embedded for it: a swap that lasts two sample
    # spacings (16 frames: 4 frames) shows as two outliers.
    identity_min_similarity: float = 0.4
    identity_max_outlier_frames: int = 1  # one bad embedding is noise, two are a swap
    identity_frames: int = 8

    # Blink (decision/actions.py): the eye opening (mean of both eyes) falls below close_fraction x
    # the open-eye baseline and rises back above reopen_fraction x it within max_frames clip frames.
    # The baseline is rolling: the baseline_percentile of the openings in the baseline_window frames
    # around each frame (a smile or a downward look moves it, a blink does not), never below
    # baseline_floor x the same percentile over the whole clip (a long closure is no baseline).
    # Tuned from hand labels (docs/accuracy.md, `facegate evaluate`) on franck_video and turns_video and scored
    # on the held-out webcam_video and single_face_video: with the attention mesh's refined eye contours real
    # blinks bottom out at 0.07-0.18 x baseline, smiles and laughing squints at 0.5-0.6; any close fraction in
    # 0.4-0.6 found the same blinks on the tuning clips, and 0.5 lies between blinks and squints.
    blink_baseline_percentile: float = 80.0
    blink_baseline_window: int = 21
    blink_baseline_floor: float = 0.7
    blink_close_fraction: float = 0.5
    blink_reopen_fraction: float = 0.85
    blink_max_frames: int = 10

    # Turn: the customer's yaw leaves the clip's neutral (median yaw) by threshold degrees on the
    # challenged side for at least min_frames frames; the turn ends when it comes back within
    # return_fraction x threshold. Measured: a clip facing the camera sways within 3 deg
    # (single_face_video); the head turns of turns_video reach 10-13 deg from the clip's neutral.
    # Prompted turns should be larger.
    turn_threshold_deg: float = 10.0
    turn_return_fraction: float = 0.5
    turn_min_frames: int = 1

    # Passive anti-spoofing: median spoof score over the spoof_frames most frontal single-face frames
    # (the first of the frames matched against the ID photo: the faces that pass as the customer are
    # the faces checked; ~108 ms of CPU per face here: the clip's other frames are not scored),
    # applied only to clips whose median face sharpness is at least spoof_min_sharpness: below it the
    # stand-in model called genuine webcam clips spoof (MODELS.md "Passive anti-spoofing policy";
    # measured in docs/accuracy.md): medians 7.7-22 there, while the clips it scored live had 57-444.
    # The frames are scored until a majority lies on one side of the threshold (2 of 3 when they agree:
    # the median's side, so the decision is the same); False scores all spoof_frames at once.
    spoof_threshold: float = 0.5
    spoof_frames: int = 3
    spoof_stop_at_majority: bool = True
    spoof_min_sharpness: float = 40.0

    # Photo attack: no action detected and the 5-95 percentile spread of yaw, pitch and eye
    # opening (relative to the open-eye baseline) all below these.
    # Measured: a still frame replayed 16x with +-4 px shifts, +-2 deg rotation and a slight
    # perspective warp spreads 0.9 deg / 2.1 deg / 0.081; a live customer holding still without
    # blinking (single_face_video frames 30-71) spreads about as little (~1.5 / 1.5 / 0.07), so a
    # clip with no action and no movement is REJECTed whoever holds still in front of the camera.
    static_max_yaw_spread_deg: float = 3.0
    static_max_pitch_spread_deg: float = 3.0
    static_max_eye_spread: float = 0.12

    # Face match: cosine similarity of the ID face with the mean embedding of the clip's match_frames most
    # frontal single-face frames. `facegate calibrate` (MODELS.md) over 5,660 genuine / 360,393 impostor pairs
    # (ORL ID-chip stress set included): the lowest threshold whose 95 % upper bound on the FMR is <= 1e-3 is
    # 0.53 (FMR 0.08 %, FNMR 2.4 %; ID-chip stress chips against photos 3.4 %; held-out ORL people 0.04 %).
    # Pairs are correlated (53 identities): recalibrate on real ID/selfie pairs.
    match_threshold: float = 0.53
    match_frames: int = 3

    def __post_init__(self) -> None:
        if not 0 < self.min_frames <= self.max_frames:
            raise ValueError("need 0 < min_frames <= max_frames")
        if not 0 < self.blink_close_fraction < self.blink_reopen_fraction <= 1:
            raise ValueError("need 0 < blink_close_fraction < blink_reopen_fraction <= 1")
        if not 0 < self.id_ghost_max_ratio <= 1:
            raise ValueError("need 0 < id_ghost_max_ratio <= 1")
        if min(self.match_frames, self.spoof_frames) < 1:
            raise ValueError("need match_frames and spoof_frames >= 1")
        if self.identity_frames < 2:
            raise ValueError("need identity_frames >= 2")
        if not 0 < self.turn_return_fraction <= 1:
            raise ValueError("need 0 < turn_return_fraction <= 1")
        if not 0 < self.blink_baseline_floor <= 1:
            raise ValueError("need 0 < blink_baseline_floor <= 1")
        if min(self.blink_baseline_window, self.blink_max_frames, self.turn_min_frames) < 1:
            raise ValueError("need blink_baseline_window, blink_max_frames and turn_min_frames >= 1")
        negative = [f.name for f in fields(self) if getattr(self, f.name) < 0]
        if negative:
            raise ValueError(f"must not be negative: {', '.join(negative)}")
