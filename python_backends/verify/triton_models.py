"""The `challenge` and `verify` Triton Python models (their `1/model.py` import these classes).

Both refuse to load without a keyring and a token store in the server's environment (see
settings.py). Nothing biometric is logged: failures are answered with the exception's type and the
request id only. A refused challenge is a Triton error whose message starts with the reason code:
`LOCKED_OUT ... retry_after_s=<n>` (INVALID_ARG, so clients do not fail over) or
`SERVICE_UNAVAILABLE` (UNAVAILABLE).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import numpy as np
import triton_python_backend_utils as pb_utils

from python_backends.decision import (
    ChallengeIssuer,
    ChallengePolicy,
    ChallengeVerifier,
    DecisionConfig,
    LockedOut,
    TokenStoreUnavailable,
    open_token_store,
)
from python_backends.imaging import model_parameters
from python_backends.verify.attempt_metrics import AttemptMetrics, RefusalMetrics
from python_backends.verify.ensembles import InferenceFailed
from python_backends.verify.model_versions import model_versions
from python_backends.verify.outcome_metrics import OutcomeMetrics
from python_backends.verify.parameters import from_parameters
from python_backends.verify.pipeline import Verification, VerifyInputs
from python_backends.verify.reload_metrics import ReloadGauge
from python_backends.verify.request import ChallengeRequest, RequestError, VerifyOptions, token_text
from python_backends.verify.response import challenge_document, result_document
from python_backends.verify.settings import ServiceSettings
from python_backends.verify.triton_ensembles import TritonEnsembles
from python_backends.verify.unanswered_errors import UNANSWERED, UnansweredFile, UnansweredPublisher
from python_backends.video import VideoSettings
from python_backends.video.clip_frames import ClipFrames
from python_backends.video.decoders import choose_decoder, visible_gpus

ENSEMBLE_MAX_BATCH = 64
SPLIT_PARAMETER = "ensemble_request_split"


def _json_output(name: str, document: dict) -> pb_utils.Tensor:
    return pb_utils.Tensor(name, np.array([json.dumps(document).encode()], dtype=np.object_))


def _bytes(request, name: str) -> list[bytes] | None:
    tensor = pb_utils.get_input_tensor_by_name(request, name)
    return None if tensor is None else [bytes(item) for item in tensor.as_numpy().reshape(-1)]


def _one(request, name: str) -> bytes | None:
    items = _bytes(request, name)
    if items is not None and len(items) != 1:
        raise RequestError(f"{name} must hold exactly one element")
    return items[0] if items else None


def _counter_family(name: str, description: str) -> pb_utils.MetricFamily:
    return pb_utils.MetricFamily(name=name, description=description, kind=pb_utils.MetricFamily.COUNTER)


def _gauge_family(name: str, description: str) -> pb_utils.MetricFamily:
    return pb_utils.MetricFamily(name=name, description=description, kind=pb_utils.MetricFamily.GAUGE)


def _error(message: str, code=None) -> pb_utils.InferenceResponse:
    error = pb_utils.TritonError(message) if code is None else pb_utils.TritonError(message, code)
    return pb_utils.InferenceResponse(output_tensors=[], error=error)


class ChallengeModel:
    def initialize(self, args: dict[str, str]) -> None:
        settings = ServiceSettings.from_environ()
        params = model_parameters(json.loads(args["model_config"]))
        policy = from_parameters(ChallengePolicy, params, allow_requested_actions=settings.allow_requested_actions)
        self._issuer = ChallengeIssuer(settings.keyring, policy, lockouts=open_token_store(settings.token_store))
        self._metrics = RefusalMetrics(_counter_family)

    def execute(self, requests: list) -> list:
        return [self._respond(request) for request in requests]

    def _respond(self, request) -> pb_utils.InferenceResponse:
        try:
            asked = ChallengeRequest.from_json(_one(request, "REQUEST"))
            issued = self._issuer.issue(asked.mirrored, asked.actions, asked.subject, asked.device)
        except ValueError as error:  # RequestError, a refused or invalid action sequence
            return _error(f"REQUEST: {error}", pb_utils.TritonError.INVALID_ARG)
        except LockedOut as refusal:
            self._metrics.refused(refusal.reason)
            return _error(f"{refusal.reason.value}: {refusal.reason.description} retry_after_s={refusal.retry_after_s}",
                          pb_utils.TritonError.INVALID_ARG)
        except TokenStoreUnavailable as refusal:
            self._metrics.refused(refusal.reason)
            return _error(f"{refusal.reason.value}: {refusal.reason.description}", pb_utils.TritonError.UNAVAILABLE)
        return pb_utils.InferenceResponse(output_tensors=[_json_output("CHALLENGE", challenge_document(issued))])


class VerifyModel:
    def initialize(self, args: dict[str, str]) -> None:
        settings = ServiceSettings.from_environ()
        params = model_parameters(json.loads(args["model_config"]))
        split = int(params.pop(SPLIT_PARAMETER, "1"))
        video = VideoSettings.take_parameters(params)
        config = from_parameters(DecisionConfig, params)
        if config.max_frames > ENSEMBLE_MAX_BATCH:
            raise ValueError(f"max_frames {config.max_frames} exceeds the ensembles' max batch {ENSEMBLE_MAX_BATCH}")
        verifier = ChallengeVerifier(settings.keyring, open_token_store(settings.token_store),
                                     attempts=settings.attempts)
        ensembles = TritonEnsembles(split)
        clips = ClipFrames(video, config, ensembles, choose_decoder(video, visible_gpus()))
        self._verification = Verification(verifier, config, ensembles, clips)
        self._allow_embeddings = settings.allow_embeddings
        self._decision_only = settings.decision_only
        self._models = model_versions(Path(args["model_repository"]).parent)
        self._metrics = OutcomeMetrics(_counter_family)
        self._attempt_metrics = AttemptMetrics(_counter_family)
        self._reloads = ReloadGauge(settings.heals_file, _gauge_family) if settings.heals_file else None
        self._unanswered = UnansweredPublisher(
            UnansweredFile(settings.unanswered_file), lambda count: self._metrics.failed(UNANSWERED, count),
        ) if settings.unanswered_file else None

    def finalize(self) -> None:
        if self._reloads is not None:
            self._reloads.close()
        if self._unanswered is not None:
            self._unanswered.close()

    async def execute(self, requests: list) -> list:
        return list(await asyncio.gather(*(self._respond(request) for request in requests)))

    async def _respond(self, request) -> pb_utils.InferenceResponse:
        request_id = uuid.uuid4().hex
        try:
            options = VerifyOptions.from_json(_one(request, "OPTIONS"))
            request_id = options.request_id or request_id
            frames, video = _bytes(request, "FRAMES"), _one(request, "VIDEO")
            if frames is not None and video is not None:
                raise RequestError("send FRAMES or VIDEO, not both")
            inputs = VerifyInputs(_one(request, "ID_PHOTO") or b"", tuple(frames or ()),
                                  token_text(_one(request, "TOKEN") or b""), video)
            outcome = await self._verification.run(inputs)
        except RequestError as error:
            self._metrics.failed("invalid_request")
            return _error(f"{error} (request_id {request_id})", pb_utils.TritonError.INVALID_ARG)
        except InferenceFailed as failure:
            self._metrics.failed("inference_failed")
            return _error(f"inference failed in {failure.model} (request_id {request_id})")
        except Exception as error:  # noqa: BLE001 - the message could quote input data: type only
            self._metrics.failed("internal")
            return _error(f"internal error {type(error).__name__} (request_id {request_id})")
        self._metrics.decided(outcome.decision.decision, outcome.decision.reasons)
        self._attempt_metrics.recorded(outcome.attempt)
        with_embeddings = options.return_embeddings and self._allow_embeddings
        document = result_document(outcome, request_id, self._models, with_embeddings, self._decision_only)
        return pb_utils.InferenceResponse(output_tensors=[_json_output("RESULT", document)])


__all__ = ["ChallengeModel", "VerifyModel"]
