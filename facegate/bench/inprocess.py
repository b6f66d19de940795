"""facegate's processing without a server: the same DALI preprocessing, ONNX models and post-processing
as the `detect`, `face_signals`, `liveness` and `embed` ensembles, called in-process (no Triton, no
Python-backend hops).

`InProcessEnsembles` implements `python_backends.verify.ensembles.Ensembles`, so the verify pipeline
runs on it unchanged: with `batch=None` each call runs its images as one batch (the limit), with
`batch=1` one image at a time (the naive baseline a user would write without facegate).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort

from facegate.bench.repository import model_config
from facegate.paths import MODEL_REPOSITORY
from python_backends.alignment.embed_preprocess import EmbedPreprocessor
from python_backends.imaging.input_spec import DETECTOR_INPUT, EMBEDDER_INPUT
from python_backends.detection import DetectionParams, DetectPreprocessor, Letterbox, PriorSpec
from python_backends.detection import find_faces
from python_backends.imaging import DecodeSettings, model_parameters
from python_backends.liveness.postprocess import liveness_signals
from python_backends.liveness.placement import LivenessCrops, face_placements
from python_backends.liveness.preprocess import LivenessPreprocessor
from python_backends.liveness.sharpness import crop_sharpness
from python_backends.liveness.spoof import MODEL_THRESHOLD, normalised_spoof_score
from python_backends.verify.ensembles import CropSignals, Faces, FaceSignals

ONNX_MODELS = ("face_detector", "face_landmarker", "face_antispoof", "face_embedder")


def _decode_settings(name: str, repository: Path) -> DecodeSettings:
    return DecodeSettings.from_triton({"model_config": json.dumps(model_config(name, repository)),
                                       "model_instance_kind": "CPU"})


def _chunks(count: int, batch: int | None) -> list[slice]:
    step = batch or max(count, 1)
    return [slice(start, start + step) for start in range(0, count, step)]


class OnnxModel:
    """One ONNX Runtime session on the CPU with ORT's default threads (what a user gets by default)."""

    def __init__(self, path: Path):
        self._session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
        self.output_names = [output.name for output in self._session.get_outputs()]

    def __call__(self, batch: np.ndarray) -> dict[str, np.ndarray]:
        return dict(zip(self.output_names, self._session.run(self.output_names, {"input": batch})))


class InProcessEnsembles:
    def __init__(self, batch: int | None = None, repository: Path = MODEL_REPOSITORY):
        self.batch = batch
        self.models = {name: OnnxModel(repository / name / "1" / "model.onnx") for name in ONNX_MODELS}
        detect_params = model_parameters(model_config("detect_postprocess", repository))
        self.detection_params, self.priors = DetectionParams.from_parameters(detect_params), PriorSpec.from_parameters(detect_params)
        self.detect_preprocessor = DetectPreprocessor(
            DETECTOR_INPUT.with_parameters(model_parameters(model_config("detect_preprocess", repository))),
            _decode_settings("detect_preprocess", repository))
        self.liveness_preprocessor = LivenessPreprocessor(
            LivenessCrops.from_parameters(model_parameters(model_config("liveness_preprocess", repository))),
            _decode_settings("liveness_preprocess", repository))
        self.embed_preprocessor = EmbedPreprocessor(
            EMBEDDER_INPUT.with_parameters(model_parameters(model_config("embed_preprocess", repository))),
            _decode_settings("embed_preprocess", repository))
        spoof_params = model_parameters(model_config("liveness_postprocess", repository))
        self.spoof_threshold = float(spoof_params.get("spoof_model_threshold", MODEL_THRESHOLD))

    def _batched(self, count: int, run: Callable[[slice], list]) -> list:
        return [item for part in _chunks(count, self.batch) for item in run(part)]

    async def detect(self, images: Sequence[bytes]) -> list[Faces]:
        return self._batched(len(images), lambda part: self.detect_now(images[part]))

    async def signals(self, images: Sequence[bytes], boxes: np.ndarray, landmarks: np.ndarray) -> list[FaceSignals]:
        return self._batched(len(images), lambda part: self.signals_now(images[part], boxes[part], landmarks[part]))

    async def crop_signals(self, crops: np.ndarray, crop_meta: np.ndarray) -> list[CropSignals]:
        return self._batched(len(crops), lambda part: self.crop_signals_now(crops[part], crop_meta[part]))

    async def spoof(self, images: Sequence[bytes], boxes: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
        return np.array(self._batched(len(images), lambda part: list(self.spoof_now(images[part], boxes[part],
                                                                                    landmarks[part]))))

    async def embed(self, images: Sequence[bytes], landmarks: np.ndarray) -> np.ndarray:
        return np.array(self._batched(len(images), lambda part: list(self.embed_now(images[part], landmarks[part]))))

    def detect_now(self, images: Sequence[bytes]) -> list[Faces]:
        det_input, meta = self.detect_preprocessor.run(images)
        out = self.models["face_detector"](det_input)
        found = [find_faces(out["loc"][i], out["conf"][i], out["landms"][i], Letterbox.from_meta(row),
                            self.detection_params, self.priors) for i, row in enumerate(meta)]
        return [Faces(np.array([face.box for face in faces], dtype=np.float64).reshape(-1, 4),
                      np.array([face.landmarks for face in faces], dtype=np.float64).reshape(-1, 5, 2))
                for faces in found]

    def _liveness_inputs(self, images: Sequence[bytes], boxes: np.ndarray,
                         landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        placements = face_placements(boxes, landmarks, self.liveness_preprocessor.crops)
        return self.liveness_preprocessor.run(list(zip(images, placements)))

    def signals_now(self, images: Sequence[bytes], boxes: np.ndarray, landmarks: np.ndarray) -> list[FaceSignals]:
        """As the face_signals ensemble: landmarks, eyes, pose and sharpness, no anti-spoofing."""
        lmk_input, antispoof_crops, crop_meta = self._liveness_inputs(images, boxes, landmarks)
        sharpness = crop_sharpness(antispoof_crops)
        marks = self.models["face_landmarker"](lmk_input)
        signals = liveness_signals(marks["landmarks"], marks["face_score"], None, crop_meta,
                                   spoof_threshold=self.spoof_threshold)
        return [FaceSignals((float(eyes[0]), float(eyes[1])), float(yaw[0]), float(pitch[0]), float(sharp))
                for eyes, yaw, pitch, sharp in zip(signals.eye_opening, signals.yaw, signals.pitch, sharpness)]

    def crop_signals_now(self, crops: np.ndarray, crop_meta: np.ndarray) -> list[CropSignals]:
        """As the crop_signals ensemble: eyes and pose from landmarker crops the caller cut."""
        marks = self.models["face_landmarker"](crops)
        signals = liveness_signals(marks["landmarks"], marks["face_score"], None, crop_meta,
                                   spoof_threshold=self.spoof_threshold)
        return [CropSignals((float(eyes[0]), float(eyes[1])), float(yaw[0]), float(pitch[0]))
                for eyes, yaw, pitch in zip(signals.eye_opening, signals.yaw, signals.pitch)]

    def spoof_now(self, images: Sequence[bytes], boxes: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
        """Normalised anti-spoofing scores [n] (the liveness ensemble's SPOOF_SCORE)."""
        _, antispoof_crops, _ = self._liveness_inputs(images, boxes, landmarks)
        spoof_input = self.liveness_preprocessor.antispoof_input(antispoof_crops)
        return normalised_spoof_score(self.models["face_antispoof"](spoof_input)["spoof_score"][:, 0],
                                      self.spoof_threshold)

    def embed_now(self, images: Sequence[bytes], landmarks: np.ndarray) -> np.ndarray:
        samples = [(blob, self.embed_preprocessor.crop_matrix(points)) for blob, points in zip(images, landmarks)]
        (emb_input,) = self.embed_preprocessor.run(samples)
        vectors = self.models["face_embedder"](emb_input)["embedding"].astype(np.float64)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
