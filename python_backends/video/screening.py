"""Cheap measurements of the decoded frames: faces, eye opening, yaw, pitch and sharpness.

The face detector runs on every `detect_every`-th frame, sent at its own input size; the frames
between get the largest face's box and landmarks interpolated from their detected neighbours (a head
moves a few pixels in 1/10 s, well inside the landmarker's 1.3x crop). The landmarker runs on crops
cut here from the decoded pixels (crops.py, the `crop_signals` ensemble: no image decode, no
anti-spoofing crop): first on every `landmark_every`-th frame with a face, then on every frame
between two measured ones where the eyes may be closing or a turn starts or ends, so each blink
and each turn's edges are measured at the full frame rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from python_backends.decision import DecisionConfig
from python_backends.imaging.input_spec import DETECTOR_INPUT
from python_backends.liveness.placement import LivenessCrops
from python_backends.verify.ensembles import CropSignals, Faces, SignalEnsembles
from python_backends.video.crops import landmarker_inputs, landmarker_sharpness
from python_backends.video.frames import bmp
from python_backends.video.settings import VideoSettings
from python_backends.video.tracking import detected_frames, track_faces

# liveness_preprocess's crop defaults (its config.pbtxt sets the same values; a unit test checks).
SCREEN_CROPS = LivenessCrops()


@dataclass(frozen=True)
class FrameScreen:
    """Per decoded frame; NaN where no face was tracked or the landmarker did not run.
    faces: the count in the nearest detected frame. sharpness: of the landmarker crop, on the match
    candidates only (it ranks them; the decision's own is measured on the chosen frames). detections
    and signals: the detector's and the landmarker's own results by frame number, for the chosen
    frames (chosen.py)."""

    faces: np.ndarray
    eye_opening: np.ndarray  # mean of both eyes
    yaw_deg: np.ndarray
    pitch_deg: np.ndarray
    sharpness: np.ndarray
    detections: dict[int, Faces] = field(default_factory=dict)
    signals: dict[int, CropSignals] = field(default_factory=dict)

    @property
    def single_face(self) -> np.ndarray:
        """Frame numbers with exactly one face and measured eyes."""
        return np.flatnonzero((self.faces == 1) & np.isfinite(self.eye_opening))

    def match_candidates(self, count: int) -> np.ndarray:
        """The 3 x `count` most frontal single-face frames with open eyes (opening at least 0.8 x the
        clip's median): the frames the match is chosen from, by sharpness (selection.match_frames)."""
        faced = self.single_face
        if not len(faced):
            return faced
        opening = self.eye_opening[faced]
        open_eyed = faced[opening >= 0.8 * np.median(opening)]
        frontal = np.abs(self.yaw_deg[open_eyed]) + np.abs(self.pitch_deg[open_eyed])
        return open_eyed[np.argsort(frontal, kind="stable")[:3 * count]]


def chunks(items: np.ndarray | list, size: int) -> list:
    return [items[start:start + size] for start in range(0, len(items), size)]


def sparse_frames(tracked: np.ndarray, every: int) -> np.ndarray:
    """Every `every`-th of the tracked frame numbers, and the last."""
    return np.unique(np.concatenate([tracked[::every], tracked[-1:]]))


def frames_to_refine(screen: FrameScreen, tracked: np.ndarray, landmarked: np.ndarray,
                     config: DecisionConfig) -> np.ndarray:
    """The tracked frames not `landmarked` yet (a mask over all frames) in the gaps between consecutive
    measured frames that may hide part of an action. Against the open-eye level (the blink baseline
    percentile of the measured openings), eyes are not open below blink_reopen_fraction x it, closed
    below blink_close_fraction x it. Refined: every gap next to a frame with eyes not open, except
    between two closed frames inside a run of not-open frames longer than a blink (eyes shut or
    narrowed for seconds: no blink ends there) unless next to the bottom of a dip (a blink's most
    closed frame may hide there); and, for each excursion of the yaw offset from the median that
    reaches a turn's threshold, the gaps where it first reaches it and where it falls back below the
    return level (a turn's start and end). `config`: at the clip's frame rate (selection.at_frame_rate)."""
    measured = tracked[np.isfinite(screen.eye_opening[tracked])]
    if len(measured) < 2:
        return np.zeros(0, dtype=np.int64)
    opening = screen.eye_opening[measured]
    relative = opening / np.percentile(opening, config.blink_baseline_percentile)
    not_open, closed = relative < config.blink_reopen_fraction, relative < config.blink_close_fraction
    steady = closed[:-1] & closed[1:]
    for start, end in _runs(not_open):
        if measured[end] - measured[start] + 1 <= config.blink_max_frames:
            steady[start:end] = False
    moves = np.abs(np.diff(relative)) >= 1 - config.blink_reopen_fraction
    bottom = (closed & np.r_[True, relative[1:] <= relative[:-1]] & np.r_[relative[:-1] <= relative[1:], True]
              & (np.r_[False, moves] | np.r_[moves, False]))
    wanted = ((not_open[:-1] | not_open[1:]) & ~steady) | bottom[:-1] | bottom[1:]
    offset = screen.yaw_deg[measured] - np.median(screen.yaw_deg[measured])
    for toward in (offset, -offset):  # as detect_turns: a turn starts at the threshold, ends below its return level
        entering = toward >= config.turn_threshold_deg
        for start, end in _runs(toward >= config.turn_return_fraction * config.turn_threshold_deg):
            if entering[start:end + 1].any():
                first = start + int(np.argmax(entering[start:end + 1]))
                wanted[max(0, first - 1)] |= first > 0
                wanted[min(end, len(wanted) - 1)] |= end < len(toward) - 1
    gaps = [tracked[(tracked > measured[k]) & (tracked < measured[k + 1]) & ~landmarked[tracked]]
            for k in np.flatnonzero(wanted)]
    return np.concatenate(gaps) if gaps else np.zeros(0, dtype=np.int64)


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive (start, end) positions of the runs of True."""
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1))


async def detect_scaled(frames: Sequence[np.ndarray], ensembles: SignalEnsembles, side: int) -> list[Faces]:
    """Faces in RGB frames, found on copies reduced by the largest whole factor that keeps them at
    least `side` px (the detector's input: it scales them the rest of the way itself; a box filter,
    much cheaper than a resize), in the frames' own pixels."""
    factor = max(1, max(frames[0].shape[:2]) // side)
    small = [np.asarray(Image.fromarray(np.ascontiguousarray(frame)).reduce(factor)) for frame in frames]
    found = await ensembles.detect([bmp(frame) for frame in small])
    x, y = frames[0].shape[1] / small[0].shape[1], frames[0].shape[0] / small[0].shape[0]
    return [Faces(faces.boxes * [x, y, x, y], faces.landmarks * [x, y]) for faces in found]


async def screen_frames(frames: Sequence[np.ndarray], ensembles: SignalEnsembles, settings: VideoSettings,
                        config: DecisionConfig) -> FrameScreen:
    """`config` at the clip's frame rate (selection.at_frame_rate). At most `screen_batch` frames per
    ensemble call, one call after another: what a request holds in flight (in the Python backend's
    shared memory) stays bounded whatever the clip's length."""
    count, batch = len(frames), settings.screen_batch
    picked = detected_frames(count, settings.detect_every)
    found = [faces for part in chunks(picked, batch)
             for faces in await detect_scaled([frames[i] for i in part], ensembles, DETECTOR_INPUT.input_size)]
    faces, boxes, points = track_faces(dict(zip(picked, found)), count)
    screen = FrameScreen(faces, *(np.full(count, np.nan) for _ in range(4)), detections=dict(zip(picked, found)))
    tracked = np.flatnonzero(np.isfinite(boxes[:, 0]))
    landmarked = np.zeros(count, dtype=bool)
    todo = sparse_frames(tracked, settings.landmark_every) if len(tracked) else tracked
    while len(todo):
        landmarked[todo] = True
        for part in chunks(todo, batch):
            crops, crop_meta = landmarker_inputs([frames[i] for i in part], boxes[part], points[part], SCREEN_CROPS)
            signals = await ensembles.crop_signals(crops, crop_meta)
            screen.signals.update(zip(part.tolist(), signals))
            screen.eye_opening[part] = [np.mean(face.eye_opening) for face in signals]
            screen.yaw_deg[part] = [face.yaw_deg for face in signals]
            screen.pitch_deg[part] = [face.pitch_deg for face in signals]
        todo = frames_to_refine(screen, tracked, landmarked, config)
    candidates = screen.match_candidates(config.match_frames)
    if len(candidates):
        screen.sharpness[candidates] = landmarker_sharpness([frames[i] for i in candidates], boxes[candidates],
                                                            points[candidates], SCREEN_CROPS)
    return screen
