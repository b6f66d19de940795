"""The liveness crops cut straight from decoded frames (imaging/warp.py), for a VIDEO's frames.

liveness_preprocess makes the same crops from an encoded image with DALI; for every frame of a clip
that decode was most of screening's cost. The crops' placement (face_placements) and layout
are the frame path's, so the landmarker sees the same face square, and the anti-spoofing crop's
sharpness is the one the decision's blur gates were calibrated on.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from python_backends.imaging.input_spec import model_pixels
from python_backends.imaging.warp import warp_on_host
from python_backends.liveness.placement import LivenessCrops, face_placements
from python_backends.liveness.sharpness import crop_sharpness


def landmarker_inputs(frames: Sequence[np.ndarray], boxes: np.ndarray, landmarks: np.ndarray,
                      crops: LivenessCrops) -> tuple[np.ndarray, np.ndarray]:
    """RGB frames + one face each (boxes [n, 4], landmarks [n, 5, 2]; n >= 1) -> (the landmarker's
    input [n, 3, S, S], CROP_META [n, 6]), as liveness_preprocess makes them."""
    placements = face_placements(boxes, landmarks, crops)
    cut = warp_on_host(frames, [placement.landmarker_matrix for placement in placements], crops.landmarker.input_size)
    return (model_pixels(cut, crops.landmarker.channel_order),
            np.stack([placement.crop_meta for placement in placements]))


def landmarker_sharpness(frames: Sequence[np.ndarray], boxes: np.ndarray, landmarks: np.ndarray,
                         crops: LivenessCrops) -> np.ndarray:
    """The sharpness [n] of the landmarker crop of one face per RGB frame (ranks a clip's frames for
    the match; not the scale of the decision's blur gates)."""
    placements = face_placements(boxes, landmarks, crops)
    return crop_sharpness(warp_on_host(frames, [placement.landmarker_matrix for placement in placements],
                               crops.landmarker.input_size))


def antispoof_sharpness(frames: Sequence[np.ndarray], boxes: np.ndarray, landmarks: np.ndarray,
                        crops: LivenessCrops) -> np.ndarray:
    """liveness_preprocess's SHARPNESS [n] of one face per RGB frame: the Laplacian variance of the
    anti-spoofing crop (the scale DecisionConfig's min_frame_sharpness and spoof_min_sharpness use)."""
    placements = face_placements(boxes, landmarks, crops)
    return crop_sharpness(warp_on_host(frames, [placement.antispoof_matrix for placement in placements],
                               crops.antispoof.input_size))
