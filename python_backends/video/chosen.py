"""The chosen frames' faces and cheap signals, from what screening measured: the frame path then runs
only anti-spoofing and the embeddings on a clip's frames, not `detect` and `face_signals` again.

Faces are the detector's own: screening's where it ran on the frame, else detected now the same way
(a box interpolated between detections is good enough to place the landmarker's 1.3x crop, not for
the embedder's 5-point alignment or a face count). Eyes and pose are screening's landmarker results
(the same model on the same crop placement as face_signals); a chosen frame it skipped is landmarked
now. Sharpness is the anti-spoofing crop's, cut from the decoded frame, on the scale the decision's
blur gates were calibrated on (screening's own is the landmarker crop's: another scale).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from python_backends.imaging.input_spec import DETECTOR_INPUT
from python_backends.verify.ensembles import Faces, FaceSignals, SignalEnsembles
from python_backends.video.crops import antispoof_sharpness, landmarker_inputs
from python_backends.video.screening import SCREEN_CROPS, FrameScreen, chunks, detect_scaled


async def chosen_measurements(frames: Sequence[np.ndarray], chosen: Sequence[int], screen: FrameScreen,
                              ensembles: SignalEnsembles, batch: int) -> tuple[list[Faces], list[FaceSignals | None]]:
    """Per chosen frame number (of the RGB `frames`): its faces, and its largest face's signals (None
    without a face). At most `batch` frames per ensemble call."""
    found = dict(screen.detections)
    for part in chunks([i for i in chosen if i not in found], batch):
        found.update(zip(part, await detect_scaled([frames[i] for i in part], ensembles, DETECTOR_INPUT.input_size)))
    faces = [found[i] for i in chosen]
    faced = [i for i, face in zip(chosen, faces) if face.count]
    if not faced:
        return faces, [None] * len(chosen)
    largest = {i: (found[i].boxes[found[i].largest()], found[i].landmarks[found[i].largest()]) for i in faced}
    measured = {i: screen.signals[i] for i in faced if i in screen.signals}
    for part in chunks([i for i in faced if i not in measured], batch):
        crops, crop_meta = landmarker_inputs([frames[i] for i in part], np.stack([largest[i][0] for i in part]),
                                             np.stack([largest[i][1] for i in part]), SCREEN_CROPS)
        measured.update(zip(part, await ensembles.crop_signals(crops, crop_meta)))
    sharpness = dict(zip(faced, antispoof_sharpness([frames[i] for i in faced], np.stack([largest[i][0] for i in faced]),
                                                    np.stack([largest[i][1] for i in faced]), SCREEN_CROPS)))
    return faces, [FaceSignals(measured[i].eye_opening, measured[i].yaw_deg, measured[i].pitch_deg, float(sharpness[i]))
                   if i in sharpness else None for i in chosen]
