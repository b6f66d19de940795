"""One verification: token, request screening, then inference in three stages with early exits.

1. redeem the token (spends it); a VIDEO upload is then checked, decoded and screened, and its chosen
   frames stand in for FRAMES (python_backends/video); screen the request from image headers: no
   inference on error;
2. detect faces in the clip and the ID photo (two concurrent calls: one batch of all frames, and
   the ID photo alone); stop when a face count already decides (no face, several faces);
3. the cheap signals (landmarks -> eyes, pose; sharpness) of the largest face of every frame with a
   face and of the ID face, the ID face's embedding and the embeddings of an even sample of the
   single-face frames (frame_selection; the identity check): four concurrent calls;
   a VIDEO's chosen frames come with their faces and signals (screening measured them): steps 2
   and 3 then call `detect` and `face_signals` on the ID photo only;
4. anti-spoofing of the most frontal frames (frame_selection, from the signals) and the embeddings
   of those not in the sample yet (matched against the ID face): two concurrent calls;
5. the decision layer's `assess`;
6. a failed attempt is counted against the subscriber and device the token is bound to.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from dataclasses import dataclass, field

import numpy as np

from python_backends.decision import (
    AttemptRecord,
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
from python_backends.verify.ensembles import Ensembles, Faces, FaceSignals, InferenceFailed
from python_backends.verify.frame_selection import frontal_frames, spoof_frames_still_needed, spread_sample
from python_backends.verify.image_facts import image_facts
from python_backends.video import VideoProblem
from python_backends.video.clip_frames import ChosenFrames, ClipFrames
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
    video: bytes | None = None  # instead of frames


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
    attempt: AttemptRecord = AttemptRecord()
    clip: ChosenFrames | None = None  # a VIDEO upload: the frames the decision's frame numbers index


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
    def __init__(self, verifier: ChallengeVerifier, config: DecisionConfig, ensembles: Ensembles,
                 clips: ClipFrames | None = None):
        self._verifier, self._config, self._ensembles, self._clips = verifier, config, ensembles, clips

    async def run(self, inputs: VerifyInputs) -> Outcome:
        watch = _Stopwatch()
        try:
            redeemed: Challenge | TokenError = self._verifier.redeem(inputs.token)
        except TokenError as error:
            redeemed = error
        clip, decision = None, None
        if inputs.video is not None and not isinstance(redeemed, TokenError):
            try:
                clip = await self._clips.choose(inputs.video)
                inputs = dataclasses.replace(inputs, frames=clip.frames)
            except VideoProblem as problem:
                decision = Decision.from_reasons([problem.reason])
            watch.lap("video")
        if decision is None:
            decision = screen(redeemed, image_facts(inputs.id_photo), [image_facts(f) for f in inputs.frames],
                              self._config)
            watch.lap("screen")
        if decision is not None:
            outcome = Outcome(decision)
        else:
            try:
                outcome = await self._infer(redeemed, inputs, watch, clip)
            except InferenceFailed as failure:
                if not failure.bad_image:
                    raise
                outcome = Outcome(Decision.from_reasons([Reason.IMAGE_CORRUPT]))
        if isinstance(redeemed, Challenge):
            outcome.attempt = self._verifier.record(redeemed, outcome.decision.verdict, outcome.decision.reasons)
        outcome.timings_ms, outcome.clip = watch.total(), clip
        return outcome

    async def _infer(self, challenge: Challenge, inputs: VerifyInputs, watch: _Stopwatch,
                     clip: ChosenFrames | None) -> Outcome:
        """`clip`: the chosen frames of a VIDEO (inputs.frames), with their faces and signals."""
        config, ensembles = self._config, self._ensembles
        (id_faces,), frame_faces = await asyncio.gather(ensembles.detect([inputs.id_photo]),
                                                        self._detect_frames(inputs.frames, clip))
        watch.lap("detect")
        id_count = id_face_count(id_faces, config)
        decision = screen_faces(id_count, [faces.count for faces in frame_faces], config)
        if decision is not None:
            return Outcome(decision)

        faced = [i for i, faces in enumerate(frame_faces) if faces.count > 0]
        single = [i for i in faced if frame_faces[i].count == 1]
        main = id_faces.largest()
        id_box, id_landmarks = id_faces.boxes[main:main + 1], id_faces.landmarks[main:main + 1]
        sample = [single[k] for k in spread_sample(len(single), config.identity_frames)]
        frame_signals, (id_signals,), id_embedding, sample_embeddings = await asyncio.gather(
            self._frame_signals(inputs.frames, frame_faces, faced, clip),
            ensembles.signals([inputs.id_photo], id_box, id_landmarks),
            ensembles.embed([inputs.id_photo], id_landmarks),
            self._embed(inputs.frames, frame_faces, sample),
        )
        watch.lap("signals")

        signals = dict(zip(faced, frame_signals))
        frontal = [single[k] for k in frontal_frames([signals[i] for i in single],
                                                     max(config.match_frames, config.spoof_frames))]
        spoofed, matched = frontal[:config.spoof_frames], frontal[:config.match_frames]
        extra = [i for i in matched if i not in sample]
        spoof_scores, extra_embeddings = await asyncio.gather(
            self._spoof_majority(inputs.frames, frame_faces, spoofed),
            self._embed(inputs.frames, frame_faces, extra),
        )
        watch.lap("spoof_embed")

        embeddings = {**dict(zip(sample, sample_embeddings)), **dict(zip(extra, extra_embeddings))}
        live_reference = reference_embedding(np.stack([embeddings[i] for i in matched]))
        match_score = float(id_embedding[0] @ live_reference)
        frames = frame_measurements(frame_faces, signals, dict(zip(spoofed, spoof_scores)),
                                    dict(zip(sample, identity_similarities(sample_embeddings))))
        id_photo = id_photo_measurement(id_faces, id_count, id_signals, match_score)
        decision = assess(challenge, id_photo, frames, config)
        watch.lap("decide")
        return Outcome(decision, Embeddings(id_embedding[0], live_reference))

    async def _detect_frames(self, frames: tuple[bytes, ...], clip: ChosenFrames | None) -> list[Faces]:
        return list(clip.faces) if clip is not None else await self._ensembles.detect(frames)

    async def _frame_signals(self, frames: tuple[bytes, ...], faces: list[Faces], faced: list[int],
                             clip: ChosenFrames | None) -> list[FaceSignals]:
        """The largest face's signals of each of the `faced` frames."""
        if clip is not None:
            return [clip.signals[i] for i in faced]
        return await self._ensembles.signals([frames[i] for i in faced], *_largest_faces([faces[i] for i in faced]))

    async def _spoof_majority(self, frames: tuple[bytes, ...], faces: list[Faces], chosen: list[int]) -> list[float]:
        """Spoof scores of the first of the `chosen` frames, as many as the decision needs
        (frame_selection.spoof_frames_still_needed): the others cost ~0.1 CPU-s each and change nothing."""
        config, scores = self._config, list[float]()
        while more := (spoof_frames_still_needed(scores, len(chosen), config.spoof_threshold)
                       if config.spoof_stop_at_majority else len(chosen) - len(scores)):
            batch = chosen[len(scores):len(scores) + more]
            found = await self._ensembles.spoof([frames[i] for i in batch], *_largest_faces([faces[i] for i in batch]))
            scores += [float(score) for score in found]
        return scores

    async def _embed(self, frames: tuple[bytes, ...], faces: list[Faces], chosen: list[int]) -> np.ndarray:
        """Embeddings of the single face of each chosen frame (no call for none)."""
        if not chosen:
            return np.zeros((0, 0))
        landmarks = np.stack([faces[i].landmarks[0] for i in chosen])
        return await self._ensembles.embed([frames[i] for i in chosen], landmarks)


def _largest_faces(faces: list[Faces]) -> tuple[np.ndarray, np.ndarray]:
    """Boxes [n, 4] and landmarks [n, 5, 2] of each image's largest face."""
    largest = [found.largest() for found in faces]
    return (np.stack([found.boxes[i] for found, i in zip(faces, largest)]),
            np.stack([found.landmarks[i] for found, i in zip(faces, largest)]))
