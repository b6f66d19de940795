"""One verification: token, request screening, then inference in stages with early exits.

1. redeem the token (spends it) and screen the request from image headers: no inference on error;
2. detect faces in the clip and the ID photo (two concurrent calls: one batch of all frames, and
   the ID photo alone); stop when a face count already decides (no face, several faces);
3. the cheap signals (landmarks -> eyes, pose; sharpness) of the largest face of every frame with a
   face and of the ID face, and the ID face's embedding: three concurrent calls;
4. frame_selection picks the frames that decide; anti-spoofing of the most frontal ones and
   embeddings of those plus a sparse sample for the identity check: two concurrent calls;
5. the decision layer's `assess`.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import numpy as np

from python_backends.decision import (
    Challenge,
    ChallengeVerifier,
    Decision,
    DecisionConfig,
    Reason,
    TokenError,
    assess,
    screen,
    screen_faces,
)
from python_backends.verify.ensembles import Ensembles, Faces, InferenceFailed
from python_backends.verify.frame_selection import select_frames
from python_backends.verify.image_facts import image_facts
from python_backends.verify.measure import (
    frame_measurements,
    id_face_count,
    id_photo_measurement,
    identity_similarities,
    reference_embedding,
)


@dataclass(frozen=True)
class VerifyInputs:
    id_photo: bytes
    frames: tuple[bytes, ...]
    token: str


@dataclass(frozen=True)
class Embeddings:
    """Only leaves the server when the caller asked and the server allows it."""

    id_photo: np.ndarray
    live: np.ndarray  # the reference the ID face was matched against


@dataclass
class Outcome:
    decision: Decision
    embeddings: Embeddings | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)


class _Stopwatch:
    def __init__(self) -> None:
        self.start = self._last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(1000 * (now - self._last), 1)
        self._last = now

    def total(self) -> dict[str, float]:
        return {**self.laps, "total": round(1000 * (time.perf_counter() - self.start), 1)}


class Verification:
    def __init__(self, verifier: ChallengeVerifier, config: DecisionConfig, ensembles: Ensembles):
        self._verifier, self._config, self._ensembles = verifier, config, ensembles

    async def run(self, inputs: VerifyInputs) -> Outcome:
        watch = _Stopwatch()
        try:
            redeemed: Challenge | TokenError = self._verifier.redeem(inputs.token)
        except TokenError as error:
            redeemed = error
        decision = screen(redeemed, image_facts(inputs.id_photo), [image_facts(f) for f in inputs.frames],
                          self._config)
        watch.lap("screen")
        if decision is not None:
            return Outcome(decision, timings_ms=watch.total())
        try:
            outcome = await self._infer(redeemed, inputs, watch)
        except InferenceFailed as failure:
            if not failure.bad_image:
                raise
            outcome = Outcome(Decision.from_reasons([Reason.IMAGE_CORRUPT]))
        outcome.timings_ms = watch.total()
        return outcome

    async def _infer(self, challenge: Challenge, inputs: VerifyInputs, watch: _Stopwatch) -> Outcome:
        config, ensembles = self._config, self._ensembles
        (id_faces,), frame_faces = await asyncio.gather(ensembles.detect([inputs.id_photo]),
                                                        ensembles.detect(inputs.frames))
        watch.lap("detect")
        id_count = id_face_count(id_faces, config)
        decision = screen_faces(id_count, [faces.count for faces in frame_faces], config)
        if decision is not None:
            return Outcome(decision)

        faced = [i for i, faces in enumerate(frame_faces) if faces.count > 0]
        single = [i for i in faced if frame_faces[i].count == 1]
        main = id_faces.largest()
        id_box, id_landmarks = id_faces.boxes[main:main + 1], id_faces.landmarks[main:main + 1]
        frame_signals, (id_signals,), id_embedding = await asyncio.gather(
            ensembles.signals([inputs.frames[i] for i in faced], *_largest_faces([frame_faces[i] for i in faced])),
            ensembles.signals([inputs.id_photo], id_box, id_landmarks),
            ensembles.embed([inputs.id_photo], id_landmarks),
        )
        watch.lap("signals")

        signals = dict(zip(faced, frame_signals))
        selection = select_frames([signals[i] for i in single], max(config.match_frames, config.spoof_frames),
                                  config.identity_frames)
        spoofed = [single[k] for k in selection.frontal[:config.spoof_frames]]
        embedded = [single[k] for k in selection.identity]
        spoof_scores, frame_embeddings = await asyncio.gather(
            ensembles.spoof([inputs.frames[i] for i in spoofed], *_largest_faces([frame_faces[i] for i in spoofed])),
            ensembles.embed([inputs.frames[i] for i in embedded], np.stack([frame_faces[i].landmarks[0] for i in embedded])),
        )
        watch.lap("spoof_embed")

        position = {frame: row for row, frame in enumerate(embedded)}
        matched = [position[single[k]] for k in selection.frontal[:config.match_frames]]
        live_reference = reference_embedding(frame_embeddings[matched])
        match_score = float(id_embedding[0] @ live_reference)
        frames = frame_measurements(frame_faces, signals, dict(zip(spoofed, (float(v) for v in spoof_scores))),
                                    dict(zip(embedded, identity_similarities(frame_embeddings))))
        id_photo = id_photo_measurement(id_faces, id_count, id_signals, match_score)
        decision = assess(challenge, id_photo, frames, config)
        watch.lap("decide")
        return Outcome(decision, Embeddings(id_embedding[0], live_reference))


def _largest_faces(faces: list[Faces]) -> tuple[np.ndarray, np.ndarray]:
    """Boxes [n, 4] and landmarks [n, 5, 2] of each image's largest face."""
    largest = [found.largest() for found in faces]
    return (np.stack([found.boxes[i] for found, i in zip(faces, largest)]),
            np.stack([found.landmarks[i] for found, i in zip(faces, largest)]))
