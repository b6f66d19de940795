"""Measurements without a server: each stage at its best batch size (the limit), and whole requests
run in-process one after another (batched per request, or one image at a time: the naive baseline)."""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from facegate.bench.inprocess import InProcessEnsembles
from facegate.bench.material import GENUINE_ACTIONS, Material
from python_backends.decision import (ChallengeIssuer, ChallengePolicy, ChallengeVerifier, Decision, DecisionConfig,
                                      Keyring, SigningKey, SqliteTokenStore)
from python_backends.detection import Letterbox, find_faces
from python_backends.liveness.postprocess import liveness_signals
from python_backends.liveness.placement import face_placements
from python_backends.verify.ensembles import Ensembles
from python_backends.verify.pipeline import Verification, VerifyInputs
from python_backends.video import VideoSettings
from python_backends.video.clip_frames import ClipFrames
from python_backends.video.cpu_decoder import decode_cpu


@dataclass(frozen=True)
class StageRate:
    stage: str
    best_batch: int
    items_per_s: float
    by_batch: dict[int, float]


@dataclass(frozen=True)
class Limit:
    stages: list[StageRate]
    items_per_verification: dict[str, int]  # stage -> faces or images it handles in one verification

    @property
    def seconds_per_verification(self) -> float:
        return sum(self.items_per_verification[stage.stage] / stage.items_per_s for stage in self.stages)

    @property
    def verifications_per_s(self) -> float:
        return 1.0 / self.seconds_per_verification


def _rate(run: Callable[[int], object], batch: int, min_seconds: float) -> float:
    run(batch)  # warm-up: DALI and ONNX Runtime allocate on first use of a shape
    done, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < min_seconds or done == 0:
        run(batch)
        done += batch
    return done / elapsed


def _tile(array: np.ndarray, batch: int) -> np.ndarray:
    return np.resize(array, (batch, *array.shape[1:])).astype(array.dtype)


def _take(items: Sequence, batch: int) -> list:
    return [items[i % len(items)] for i in range(batch)]


def stage_runners(ens: InProcessEnsembles, images: Sequence[bytes]) -> dict[str, Callable[[int], object]]:
    """Every stage of a verification as `run(batch)`, fed real intermediate data from `images`."""
    det_input, meta = ens.detect_preprocessor.run(images)
    detector = ens.models["face_detector"](det_input)
    faces = ens.detect_now(images)
    boxes, landmarks = np.stack([f.boxes[0] for f in faces]), np.stack([f.landmarks[0] for f in faces])
    placements = face_placements(boxes, landmarks, ens.liveness_preprocessor.crops)
    lmk_input, antispoof_crops, crop_meta = ens.liveness_preprocessor.run(list(zip(images, placements)))
    spoof_input = ens.liveness_preprocessor.antispoof_input(antispoof_crops)
    marks, spoof = ens.models["face_landmarker"](lmk_input), ens.models["face_antispoof"](spoof_input)
    embed_samples = [(blob, ens.embed_preprocessor.crop_matrix(points)) for blob, points in zip(images, landmarks)]
    (emb_input,) = ens.embed_preprocessor.run(embed_samples)
    letterboxes = [Letterbox.from_meta(row) for row in meta]
    n = len(images)
    return {
        "detect: DALI decode + letterbox": lambda b: ens.detect_preprocessor.run(_take(images, b)),
        "face_detector (ONNX)": lambda b: ens.models["face_detector"](_tile(det_input, b)),
        "detect: priors + NMS": lambda b: [find_faces(detector["loc"][i % n], detector["conf"][i % n],
                                                      detector["landms"][i % n], letterboxes[i % n], ens.detection_params,
                                                      ens.priors)
                                           for i in range(b)],
        "liveness: DALI decode + 2 crops": lambda b: ens.liveness_preprocessor.run(
            _take(list(zip(images, placements)), b)),
        "face_landmarker (ONNX)": lambda b: ens.models["face_landmarker"](_tile(lmk_input, b)),
        "face_antispoof (ONNX)": lambda b: ens.models["face_antispoof"](_tile(spoof_input, b)),
        "liveness: eyes, pose, spoof": lambda b: liveness_signals(
            _tile(marks["landmarks"], b), _tile(marks["face_score"], b), _tile(spoof["spoof_score"], b),
            _tile(crop_meta, b), spoof_threshold=ens.spoof_threshold),
        "embed: DALI decode + align": lambda b: ens.embed_preprocessor.run(_take(embed_samples, b)),
        "face_embedder (ONNX)": lambda b: ens.models["face_embedder"](_tile(emb_input, b)),
    }


_STAGE_CALLS = {  # which Ensembles calls feed each stage (face_signals and liveness share the crops + landmarker)
    "detect: DALI decode + letterbox": ("detect",), "face_detector (ONNX)": ("detect",),
    "detect: priors + NMS": ("detect",), "liveness: DALI decode + 2 crops": ("signals", "spoof"),
    "face_landmarker (ONNX)": ("signals", "spoof"), "face_antispoof (ONNX)": ("spoof",),
    "liveness: eyes, pose, spoof": ("signals", "spoof"), "embed: DALI decode + align": ("embed",),
    "face_embedder (ONNX)": ("embed",),
}


class _CountingEnsembles:
    """Ensembles that count the images each kind of call handles, over `InProcessEnsembles`."""

    def __init__(self, inner: InProcessEnsembles):
        self._inner, self.images = inner, dict.fromkeys(("detect", "signals", "spoof", "embed"), 0)

    def __getattr__(self, name: str):
        call = getattr(self._inner, name)

        async def counted(images, *args):
            self.images[name] += len(images)
            return await call(images, *args)

        return counted


class LocalVerifier:
    """The verify pipeline in this process over `ensembles`, with a throwaway keyring and nonce store:
    `with LocalVerifier(ensembles, config) as verifier: verifier.decide(id_photo, frames, actions)`.
    A VIDEO is decoded on the CPU (PyAV) with the default VideoSettings, as verify's config.pbtxt has them."""

    def __init__(self, ensembles: Ensembles, config: DecisionConfig):
        keyring = Keyring((SigningKey("bench", secrets.token_bytes(32)),))
        self._issuer = ChallengeIssuer(keyring, ChallengePolicy(allow_requested_actions=True))
        self._state_dir = tempfile.TemporaryDirectory(prefix="facegate-bench-")
        self._verification = Verification(ChallengeVerifier(keyring, SqliteTokenStore(Path(self._state_dir.name))),
                                          config, ensembles, ClipFrames(VideoSettings(), config, ensembles, decode_cpu))

    def __enter__(self) -> LocalVerifier:
        return self

    def __exit__(self, *exc: object) -> None:
        self._state_dir.cleanup()

    def decide(self, id_photo: bytes, frames: Sequence[bytes] = (), actions: Sequence[str] = GENUINE_ACTIONS,
               mirrored: bool = False, video: bytes | None = None) -> Decision:
        """From the `frames`, or from the `video` when one is given."""
        token = self._issuer.issue(mirrored, actions).token
        return asyncio.run(self._verification.run(VerifyInputs(id_photo, tuple(frames), token, video))).decision


def items_per_verification(ens: InProcessEnsembles, material: Material, config: DecisionConfig) -> dict[str, int]:
    """Stage -> the faces or images it handles in one genuine verification (with the frame selection)."""
    counting = _CountingEnsembles(ens)
    with LocalVerifier(counting, config) as verifier:
        verifier.decide(material.id_photo, material.genuine)
    return {stage: sum(counting.images[call] for call in calls) for stage, calls in _STAGE_CALLS.items()}


def measure_limit(ens: InProcessEnsembles, material: Material, batches: Sequence[int], min_seconds: float,
                  config: DecisionConfig) -> Limit:
    stages = []
    for stage, run in stage_runners(ens, material.genuine).items():
        by_batch = {batch: _rate(run, batch, min_seconds) for batch in batches}
        best = max(by_batch, key=by_batch.get)
        stages.append(StageRate(stage, best, by_batch[best], by_batch))
    return Limit(stages, items_per_verification(ens, material, config))


@dataclass(frozen=True)
class SequentialRun:
    label: str
    latencies_s: list[float]
    cpu_s_per_verification: float
    decisions: dict[str, int]

    @property
    def verifications_per_s(self) -> float:
        return len(self.latencies_s) / sum(self.latencies_s)


def every_frame(config: DecisionConfig) -> DecisionConfig:
    """`config` with anti-spoofing and embeddings on every frame (what the naive baseline does)."""
    return dataclasses.replace(config, spoof_frames=config.max_frames, spoof_stop_at_majority=False,
                               identity_frames=config.max_frames)


def measure_sequential(label: str, ens: InProcessEnsembles, material: Material, seconds: float,
                       config: DecisionConfig) -> SequentialRun:
    """Genuine verifications one after another for `seconds` (after one warm-up), the token check included."""
    with LocalVerifier(ens, config) as verifier:

        def once() -> str:
            return verifier.decide(material.id_photo, material.genuine).verdict.value

        once()
        latencies, decisions = [], {}
        cpu_started, started = time.process_time(), time.perf_counter()
        while time.perf_counter() - started < seconds or not latencies:
            call_started = time.perf_counter()
            decision = once()
            latencies.append(time.perf_counter() - call_started)
            decisions[decision] = decisions.get(decision, 0) + 1
        cpu_s = time.process_time() - cpu_started
    return SequentialRun(label, latencies, cpu_s / len(latencies), decisions)
