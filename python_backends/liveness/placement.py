"""Where the liveness crops lie for a face (pure geometry, no DALI): liveness_preprocess warps them from
a decoded image, verify's VIDEO screening cuts the landmarker crop from its own decoded frames."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from python_backends.alignment.crops import ANTISPOOF_BOX_SCALE, LANDMARKER_BOX_SCALE, antispoof_crop, landmarker_crop
from python_backends.imaging.input_spec import ANTISPOOF_INPUT, LANDMARKER_INPUT, ModelInputSpec
from python_backends.liveness.crop_meta import CropMeta


@dataclass(frozen=True)
class LivenessCrops:
    """Both models' inputs and where the crops lie (config parameters prefixed `landmarker_` /
    `antispoof_`: `input_size`, `channel_order`, `box_scale`)."""

    landmarker: ModelInputSpec = LANDMARKER_INPUT
    antispoof: ModelInputSpec = ANTISPOOF_INPUT
    landmarker_box_scale: float = LANDMARKER_BOX_SCALE
    antispoof_box_scale: float = ANTISPOOF_BOX_SCALE

    @classmethod
    def from_parameters(cls, params: Mapping[str, str]) -> LivenessCrops:
        return cls(LANDMARKER_INPUT.with_parameters(params, "landmarker_"),
                   ANTISPOOF_INPUT.with_parameters(params, "antispoof_"),
                   float(params.get("landmarker_box_scale", LANDMARKER_BOX_SCALE)),
                   float(params.get("antispoof_box_scale", ANTISPOOF_BOX_SCALE)))


@dataclass(frozen=True)
class FacePlacement:
    """Per face: the crop -> image matrices (float32 2x3) fed to the warps, and CROP_META."""

    landmarker_matrix: np.ndarray
    antispoof_matrix: np.ndarray
    crop_meta: np.ndarray


def face_placements(boxes: np.ndarray, landmarks: np.ndarray, crops: LivenessCrops) -> list[FacePlacement]:
    """Check a request's BOX [N, 4] and LANDMARKS [N, 5, 2] and place both crops for each face."""
    boxes = np.asarray(boxes, dtype=np.float64)
    landmarks = np.asarray(landmarks, dtype=np.float64)
    if boxes.ndim != 2 or boxes.shape[1] != 4 or landmarks.shape != (len(boxes), 5, 2):
        raise ValueError(f"need BOX [N, 4] and LANDMARKS [N, 5, 2], got {list(boxes.shape)} and {list(landmarks.shape)}")
    placements = []
    for box, points in zip(boxes, landmarks):
        to_landmarker = landmarker_crop(box, points, crops.landmarker_box_scale).transform(crops.landmarker.input_size)
        to_antispoof = antispoof_crop(box, crops.antispoof_box_scale).transform(crops.antispoof.input_size)
        landmarker_to_image = to_landmarker.inverse()
        placements.append(FacePlacement(landmarker_to_image.matrix.astype(np.float32),
                                        to_antispoof.inverse().matrix.astype(np.float32),
                                        CropMeta(landmarker_to_image).to_array()))
    return placements
