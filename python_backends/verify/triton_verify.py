"""The `verify` Triton Python model (model_repository/verify/1/model.py imports it; the challenge model is
triton_challenge.py).

It refuses to load without a keyring and a token store in the server's environment (see settings.py).
Nothing biometric is logged: failures are answered with the exception's type and the request id only.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import triton_python_backend_utils as pb_utils

from python_backends.core_dumps import forbid_core_dumps
from python_backends.decision import ChallengeVerifier, open_token_store
from python_backends.gpus import visible_gpu_count
from python_backends.triton_responses import refusal
from python_backends.verify.attempt_metrics import AttemptMetrics
from python_backends.verify.ensembles import InferenceFailed
from python_backends.verify.model_versions import model_versions
from python_backends.verify.outcome_metrics import OutcomeMetrics
from python_backends.verify.parameters import VerifyParameters
from python_backends.verify.pipeline import Verification, VerifyInputs
from python_backends.verify.reload_metrics import ReloadGauge
from python_backends.verify.request import RequestError, VerifyOptions, token_text
from python_backends.verify.response import result_document
from python_backends.verify.settings import ServiceSettings
from python_backends.verify.triton_ensembles import TritonEnsembles
from python_backends.verify.triton_io import bytes_input, counter_family, gauge_family, json_output, one_input
from python_backends.verify.unanswered_errors import UNANSWERED, UnansweredFile, UnansweredPublisher
from python_backends.video.clip_frames import ClipFrames
from python_backends.video.decoders import choose_decoder


class VerifyModel:
    def initialize(self, args: dict[str, str]) -> None:
        forbid_core_dumps()
        settings = ServiceSettings.from_environ()
        parameters = VerifyParameters.from_config(json.loads(args["model_config"]))
        config, video = parameters.decision, parameters.video
        verifier = ChallengeVerifier(settings.keyring, open_token_store(settings.token_store),
                                     attempts=settings.attempts)
        ensembles = TritonEnsembles(parameters.request_split)
        clips = ClipFrames(video, config, ensembles, choose_decoder(video, visible_gpu_count()))
        self._verification = Verification(verifier, config, ensembles, clips)
        self._allow_embeddings = settings.allow_embeddings
        self._decision_only = settings.decision_only
        self._models = model_versions(Path(args["model_repository"]).parent)
        self._metrics = OutcomeMetrics(counter_family)
        self._attempt_metrics = AttemptMetrics(counter_family)
        self._reloads = ReloadGauge(settings.heals_file, gauge_family) if settings.heals_file else None
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
            options = VerifyOptions.from_json(one_input(request, "OPTIONS"))
            request_id = options.request_id or request_id
            frames, video = bytes_input(request, "FRAMES"), one_input(request, "VIDEO")
            if frames is not None and video is not None:
                raise RequestError("send FRAMES or VIDEO, not both")
            inputs = VerifyInputs(one_input(request, "ID_PHOTO") or b"", tuple(frames or ()),
                                  token_text(one_input(request, "TOKEN") or b""), video)
            outcome = await self._verification.run(inputs)
        except RequestError as error:
            self._metrics.failed("invalid_request")
            return refusal(f"{error} (request_id {request_id})", pb_utils.TritonError.INVALID_ARG)
        except InferenceFailed as failure:
            self._metrics.failed("inference_failed")
            return refusal(f"inference failed in {failure.model} (request_id {request_id})")
        except Exception as error:  # noqa: BLE001 - the message could quote input data: type only
            self._metrics.failed("internal")
            return refusal(f"internal error {type(error).__name__} (request_id {request_id})")
        self._metrics.decided(outcome.decision.verdict, outcome.decision.reasons)
        self._attempt_metrics.recorded(outcome.attempt)
        with_embeddings = options.return_embeddings and self._allow_embeddings
        document = result_document(outcome, request_id, self._models, with_embeddings, self._decision_only)
        return pb_utils.InferenceResponse(output_tensors=[json_output("RESULT", document)])


__all__ = ["VerifyModel"]
