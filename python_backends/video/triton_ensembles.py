"""verify's ensembles plus the screening call `face_mesh` (landmarker only, no anti-spoofing), over Triton BLS."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from python_backends.verify.triton_ensembles import TritonEnsembles, _f32, _images
from python_backends.video.screening import MeshOutputs

FACE_MESH = "face_mesh"
_OUTPUTS = ("MESH", "CROP_META", "SHARPNESS")


class TritonClipEnsembles(TritonEnsembles):
    async def face_mesh(self, images: Sequence[bytes], boxes: np.ndarray, landmarks: np.ndarray) -> MeshOutputs:
        parts = await self._split_gather(len(images), lambda part: self._face_mesh(images[part], boxes[part],
                                                                                   landmarks[part]))
        return MeshOutputs(*(np.concatenate([part[name] for part in parts]) for name in _OUTPUTS))

    async def _face_mesh(self, images: Sequence[bytes], boxes: np.ndarray, landmarks: np.ndarray) -> list[dict]:
        out = await self._call(FACE_MESH, {"IMAGE": _images(images), "BOX": _f32(boxes), "LANDMARKS": _f32(landmarks)},
                               _OUTPUTS)
        return [{"MESH": out["MESH"], "CROP_META": out["CROP_META"], "SHARPNESS": out["SHARPNESS"][:, 0]}]
