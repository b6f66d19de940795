"""`Ensembles` over Triton BLS: each call's images as `split` concurrent requests (near-equal parts).

Splitting lets one verification use several model instances at once: on a CPU server with one
ONNX Runtime thread per instance, that is what keeps a lone request fast; on a GPU, `split=1`
(one large batch) is better.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import numpy as np
import triton_python_backend_utils as pb_utils

from python_backends.verify.ensembles import (
    CROP_SIGNALS,
    DETECT,
    EMBED,
    FACE_SIGNALS,
    LIVENESS,
    CropSignals,
    Faces,
    FaceSignals,
    NOT_READY_RETRY_DELAYS_S,
    InferenceFailed,
    is_not_ready,
)
from python_backends.verify.request_split import parts

_SIGNAL_OUTPUTS = ("EYE_OPENING", "YAW", "PITCH", "SHARPNESS")
T = TypeVar("T")


def _images(blobs: Sequence[bytes]) -> np.ndarray:
    return np.array([[blob] for blob in blobs], dtype=np.object_)


def _f32(array: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(array, dtype=np.float32)


def _face_inputs(images: Sequence[bytes], boxes: np.ndarray, landmarks: np.ndarray) -> dict[str, np.ndarray]:
    return {"IMAGE": _images(images), "BOX": _f32(boxes), "LANDMARKS": _f32(landmarks)}


class TritonEnsembles:
    def __init__(self, split: int = 1):
        parts(0, split)  # refuses split < 1 now rather than at the first request
        self._split = split

    async def _split_gather(self, count: int, call: Callable[[slice], Awaitable[list[T]]]) -> list[T]:
        results = await asyncio.gather(*(call(part) for part in parts(count, self._split)))
        return [item for result in results for item in result]

    async def _call(self, model: str, inputs: dict[str, np.ndarray], outputs: Sequence[str]) -> dict[str, np.ndarray]:
        request = pb_utils.InferenceRequest(model_name=model, requested_output_names=list(outputs),
                                            inputs=[pb_utils.Tensor(name, array) for name, array in inputs.items()])
        for delay_s in NOT_READY_RETRY_DELAYS_S:
            response = await request.async_exec()
            if not (response.has_error() and is_not_ready(response.error().message())):
                break
            await asyncio.sleep(delay_s)
        else:
            response = await request.async_exec()
        if response.has_error():
            raise InferenceFailed(model, response.error().message())
        return {name: pb_utils.get_output_tensor_by_name(response, name).as_numpy() for name in outputs}

    async def detect(self, images: Sequence[bytes]) -> list[Faces]:
        return await self._split_gather(len(images), lambda part: self._detect(images[part]))

    async def signals(self, images: Sequence[bytes], boxes: np.ndarray, landmarks: np.ndarray) -> list[FaceSignals]:
        return await self._split_gather(len(images), lambda part: self._signals(images[part], boxes[part],
                                                                                landmarks[part]))

    async def crop_signals(self, crops: np.ndarray, crop_meta: np.ndarray) -> list[CropSignals]:
        return await self._split_gather(len(crops), lambda part: self._crop_signals(crops[part], crop_meta[part]))

    async def spoof(self, images: Sequence[bytes], boxes: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
        return np.array(await self._split_gather(len(images), lambda part: self._spoof(images[part], boxes[part],
                                                                                       landmarks[part])))

    async def embed(self, images: Sequence[bytes], landmarks: np.ndarray) -> np.ndarray:
        return np.array(await self._split_gather(len(images), lambda part: self._embed(images[part], landmarks[part])))

    async def _detect(self, images: Sequence[bytes]) -> list[Faces]:
        out = await self._call(DETECT, {"IMAGE": _images(images)}, ("BOXES", "LANDMARKS", "NUM_FACES"))
        return [Faces(boxes[:n].astype(np.float64), landmarks[:n].astype(np.float64))
                for boxes, landmarks, n in zip(out["BOXES"], out["LANDMARKS"], out["NUM_FACES"][:, 0])]

    async def _signals(self, images: Sequence[bytes], boxes: np.ndarray, landmarks: np.ndarray) -> list[FaceSignals]:
        out = await self._call(FACE_SIGNALS, _face_inputs(images, boxes, landmarks), _SIGNAL_OUTPUTS)
        return [FaceSignals((float(eyes[0]), float(eyes[1])), float(yaw[0]), float(pitch[0]), float(sharpness[0]))
                for eyes, yaw, pitch, sharpness in zip(*(out[name] for name in _SIGNAL_OUTPUTS))]

    async def _crop_signals(self, crops: np.ndarray, crop_meta: np.ndarray) -> list[CropSignals]:
        out = await self._call(CROP_SIGNALS, {"LMK_INPUT": np.ascontiguousarray(crops, np.uint8),
                                              "CROP_META": _f32(crop_meta)}, _SIGNAL_OUTPUTS[:3])
        return [CropSignals((float(eyes[0]), float(eyes[1])), float(yaw[0]), float(pitch[0]))
                for eyes, yaw, pitch in zip(*(out[name] for name in _SIGNAL_OUTPUTS[:3]))]

    async def _spoof(self, images: Sequence[bytes], boxes: np.ndarray, landmarks: np.ndarray) -> list[float]:
        out = await self._call(LIVENESS, _face_inputs(images, boxes, landmarks), ("SPOOF_SCORE",))
        return [float(score) for score in out["SPOOF_SCORE"][:, 0]]

    async def _embed(self, images: Sequence[bytes], landmarks: np.ndarray) -> list[np.ndarray]:
        out = await self._call(EMBED, {"IMAGE": _images(images), "LANDMARKS": _f32(landmarks)}, ("EMBEDDING",))
        vectors = out["EMBEDDING"].astype(np.float64)
        return list(vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
