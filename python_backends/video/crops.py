"""The landmarker's input crops cut straight from decoded frames (PIL's affine warp), for screening.

liveness_preprocess makes the same crop from an encoded image with DALI, together with the
anti-spoofing crop and the sharpness screening has no use for; for every frame of a clip that decode
and second warp were most of screening's cost. The crops' placement (face_placements) and
normalisation are the frame path's, so the landmarker sees the same face square.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image

from python_backends.imaging.input_spec import ModelInputSpec
from python_backends.liveness.placement import LivenessCrops, face_placements


def normalised(crops: np.ndarray, spec: ModelInputSpec) -> np.ndarray:
    """RGB uint8 crops [n, S, S, 3] -> the model input [n, 3, S, S] float32 as `spec` wants it."""
    chw = crops.transpose(0, 3, 1, 2)
    if spec.channel_order == "BGR":
        chw = chw[:, ::-1]
    mean, std = (np.asarray(v, np.float32)[:, None, None] for v in (spec.mean, spec.std))
    out = np.subtract(chw, mean, dtype=np.float32, order="C")
    out *= 1 / std
    return out


def landmarker_inputs(frames: Sequence[np.ndarray], boxes: np.ndarray, landmarks: np.ndarray,
                      crops: LivenessCrops) -> tuple[np.ndarray, np.ndarray]:
    """RGB frames + one face each (boxes [n, 4], landmarks [n, 5, 2]; n >= 1) -> (the landmarker's
    input [n, 3, S, S], CROP_META [n, 6]), as liveness_preprocess makes them (bilinear, black outside)."""
    placements = face_placements(boxes, landmarks, crops)
    size = crops.landmarker.input_size
    cut = np.stack([np.asarray(Image.fromarray(np.ascontiguousarray(frame)).transform(
        (size, size), Image.Transform.AFFINE, data=tuple(float(v) for v in placement.landmarker_matrix.ravel()),
        resample=Image.Resampling.BILINEAR)) for frame, placement in zip(frames, placements)])
    return normalised(cut, crops.landmarker), np.stack([placement.crop_meta for placement in placements])
