"""The verify decision from a redeemed token and per-frame measurements.

Precedence:
1. token errors: the request is not considered at all;
2. request errors (frame count, image size, corrupt image): nothing is measured;
3. quality (no/small/blurry faces: measurements are unreliable, RETRY; several faces: REJECT);
4. liveness (identity kept, passive anti-spoofing, photo attack, challenge actions) and
5. the face match are reported together; REJECT if any finding implies REJECT, else RETRY.
Reasons that imply the decision come first, each group in Reason's order.

The verify model calls `screen` before inference, `screen_faces` after detection and `assess` after
the liveness and embedding inference.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from python_backends.decision.actions import ActionEvent, ClipMotion, analyse_motion, is_static, match_challenge
from python_backends.decision.challenge import Action, Challenge
from python_backends.decision.config import DecisionConfig
from python_backends.decision.measurements import FrameMeasurement, IdPhotoMeasurement, ImageFacts
from python_backends.decision.reasons import Reason, Verdict
from python_backends.decision.tokens import TokenError

_ORDER = {reason: rank for rank, reason in enumerate(Reason)}


@dataclass(frozen=True)
class QualityFigures:
    frames: int
    single_face_frames: int
    faceless_frames: int
    multi_face_frames: int
    median_face_px: float | None  # over single-face frames
    median_sharpness: float | None
    id_face_px: float | None
    id_sharpness: float | None
    id_blurry: bool | None = None  # the ID photo is below id_blurry_sharpness: it lowers the match score, no RETRY


@dataclass(frozen=True)
class LivenessEvidence:
    """matched: the event that performed each challenged action, in challenge order."""

    challenge: tuple[Action, ...]
    mirrored: bool
    matched: tuple[ActionEvent, ...]
    motion: ClipMotion
    spoof_score: float  # median over the single-face frames that were scored
    spoof_threshold: float
    spoof_applied: bool  # False: the clip's faces lie outside the sharpness range where the score was reliable
    identity_outlier_frames: tuple[int, ...]


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reasons: tuple[Reason, ...]
    match_score: float | None = None
    match_threshold: float | None = None
    quality: QualityFigures | None = None
    liveness: LivenessEvidence | None = None

    @classmethod
    def from_reasons(cls, reasons: Iterable[Reason], **figures) -> "Decision":
        """REJECT if any reason implies it, else RETRY if there is any reason, else ACCEPT."""
        reasons = set(reasons)
        verdicts = {reason.verdict for reason in reasons}
        verdict = Verdict.REJECT if Verdict.REJECT in verdicts else Verdict.RETRY if reasons else Verdict.ACCEPT
        ordered = sorted(reasons, key=lambda reason: (reason.verdict is not verdict, _ORDER[reason]))
        return cls(verdict, tuple(ordered), **figures)



def screen(
    redeemed: Challenge | TokenError, id_image: ImageFacts, frame_images: Sequence[ImageFacts], config: DecisionConfig
) -> Decision | None:
    """The decision when the request stops before inference, else None."""
    if isinstance(redeemed, TokenError):
        return Decision.from_reasons([redeemed.reason])
    reasons = set()
    if len(frame_images) < config.min_frames:
        reasons.add(Reason.TOO_FEW_FRAMES)
    if len(frame_images) > config.max_frames:
        reasons.add(Reason.TOO_MANY_FRAMES)
    request_pixels = 0
    for image in (id_image, *frame_images):
        if image.corrupt or image.encoded_bytes == 0 or image.width <= 0 or image.height <= 0:
            reasons.add(Reason.IMAGE_CORRUPT)
        elif image.encoded_bytes > config.max_image_bytes or image.width * image.height > config.max_image_pixels:
            reasons.add(Reason.IMAGE_TOO_LARGE)
        elif min(image.width, image.height) < config.min_image_side_px:
            reasons.add(Reason.IMAGE_TOO_SMALL)
        else:
            request_pixels += image.width * image.height
    if request_pixels > config.max_request_pixels:  # checked on the headers: nothing was decoded yet
        reasons.add(Reason.REQUEST_TOO_LARGE)
    return Decision.from_reasons(reasons) if reasons else None


def _median(values: list[float]) -> float | None:
    return float(np.median(values)) if values else None


def _count_figures(id_face_count: int, frame_face_counts: Sequence[int], config: DecisionConfig):
    """Quality figures from face counts alone, and the counting gates' reasons."""
    single = sum(count == 1 for count in frame_face_counts)
    faceless = sum(count == 0 for count in frame_face_counts)
    multi = len(frame_face_counts) - single - faceless
    figures = QualityFigures(len(frame_face_counts), single, faceless, multi, None, None, None, None)
    reasons = set()
    if id_face_count == 0:
        reasons.add(Reason.NO_FACE_ID_PHOTO)
    if id_face_count > 1 or multi > config.max_multi_face_frames:
        reasons.add(Reason.MULTIPLE_FACES)
    elif single < config.min_single_face_fraction * len(frame_face_counts):
        reasons.add(Reason.NO_FACE_FRAMES)
    return figures, reasons


def screen_faces(id_face_count: int, frame_face_counts: Sequence[int], config: DecisionConfig) -> Decision | None:
    """The decision when face detection alone already fails the request (no or several faces), else None.

    The verify model calls this between detection and the liveness / embedding inference.
    """
    figures, reasons = _count_figures(id_face_count, frame_face_counts, config)
    return Decision.from_reasons(reasons, match_threshold=config.match_threshold, quality=figures) if reasons else None


def _quality(id_photo: IdPhotoMeasurement, frames: Sequence[FrameMeasurement], config: DecisionConfig):
    counts, reasons = _count_figures(id_photo.face_count, [frame.face_count for frame in frames], config)
    single = [frame.face for frame in frames if frame.face_count == 1]
    figures = dataclasses.replace(
        counts,
        median_face_px=_median([face.box.size_px for face in single]),
        median_sharpness=_median([face.sharpness for face in single]),
        id_face_px=id_photo.box.size_px if id_photo.box else None,
        id_sharpness=id_photo.sharpness,
        id_blurry=None if id_photo.sharpness is None else id_photo.sharpness < config.id_blurry_sharpness,
    )
    # The customer cannot change the ID chip photo: only a missing face (NO_FACE_ID_PHOTO, counted above) makes
    # it a RETRY; its size and sharpness act through the match score, and the result says when it is blurry.
    if not reasons & {Reason.MULTIPLE_FACES, Reason.NO_FACE_FRAMES} and single:
        if figures.median_face_px < config.min_frame_face_px:
            reasons.add(Reason.FACE_TOO_SMALL)
        if figures.median_sharpness < config.min_frame_sharpness:
            reasons.add(Reason.IMAGE_BLURRY)
    return figures, reasons


def assess(
    challenge: Challenge,
    id_photo: IdPhotoMeasurement,
    frames: Sequence[FrameMeasurement],
    config: DecisionConfig,
) -> Decision:
    """Quality gates, then liveness and match findings, for a request that passed `screen`."""
    figures, quality_reasons = _quality(id_photo, frames, config)
    if quality_reasons:
        return Decision.from_reasons(quality_reasons, match_threshold=config.match_threshold, quality=figures)

    usable = [(index, frame.face) for index, frame in enumerate(frames) if frame.face_count == 1]
    indices = [index for index, _ in usable]
    faces = [face for _, face in usable]
    reasons = set()

    outliers = tuple(
        index
        for index, face in usable
        if face.identity_similarity is not None and face.identity_similarity < config.identity_min_similarity
    )
    if len(outliers) > config.identity_max_outlier_frames:
        reasons.add(Reason.IDENTITY_CHANGED)

    scored = [face.spoof_score for face in faces if face.spoof_score is not None]
    if not scored:
        raise ValueError("no single-face frame was scored for spoofing")
    spoof_score = float(np.median(scored))
    spoof_applied = figures.median_sharpness >= config.spoof_min_sharpness
    if spoof_applied and spoof_score > config.spoof_threshold:
        reasons.add(Reason.SPOOF_SUSPECTED)

    motion = analyse_motion(indices, faces, challenge.mirrored, config)
    if is_static(motion, config):
        reasons.add(Reason.STATIC_SEQUENCE)
    matched, action_problems = match_challenge(challenge.actions, motion.events)
    reasons.update(action_problems)

    if id_photo.match_score is None or id_photo.match_score < config.match_threshold:
        reasons.add(Reason.FACE_MISMATCH)

    liveness = LivenessEvidence(
        challenge=challenge.actions,
        mirrored=challenge.mirrored,
        matched=matched,
        motion=motion,
        spoof_score=spoof_score,
        spoof_threshold=config.spoof_threshold,
        spoof_applied=spoof_applied,
        identity_outlier_frames=outliers,
    )
    return Decision.from_reasons(
        reasons,
        match_score=id_photo.match_score,
        match_threshold=config.match_threshold,
        quality=figures,
        liveness=liveness,
    )
