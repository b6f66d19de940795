"""The `challenge` Triton Python model (model_repository/challenge/1/model.py imports it): signed action orders.

It refuses to load without a keyring and a token store in the server's environment (settings.py). A refused
challenge is a Triton error whose message starts with the reason code: `LOCKED_OUT ... retry_after_s=<n>`
(INVALID_ARG, so clients do not fail over) or `SERVICE_UNAVAILABLE` (UNAVAILABLE).
"""

from __future__ import annotations

import json

import triton_python_backend_utils as pb_utils

from python_backends.core_dumps import forbid_core_dumps
from python_backends.decision import ChallengeIssuer, LockedOut, TokenStoreUnavailable, open_token_store
from python_backends.triton_responses import refusal
from python_backends.verify.attempt_metrics import RefusalMetrics
from python_backends.verify.parameters import challenge_policy
from python_backends.verify.request import ChallengeRequest
from python_backends.verify.response import challenge_document
from python_backends.verify.settings import ServiceSettings
from python_backends.verify.triton_io import counter_family, json_output, one_input


class ChallengeModel:
    def initialize(self, args: dict[str, str]) -> None:
        forbid_core_dumps()
        settings = ServiceSettings.from_environ()
        policy = challenge_policy(json.loads(args["model_config"]), settings.allow_requested_actions)
        self._issuer = ChallengeIssuer(settings.keyring, policy, lockouts=open_token_store(settings.token_store))
        self._metrics = RefusalMetrics(counter_family)

    def execute(self, requests: list) -> list:
        return [self._respond(request) for request in requests]

    def _respond(self, request) -> pb_utils.InferenceResponse:
        try:
            asked = ChallengeRequest.from_json(one_input(request, "REQUEST"))
            issued = self._issuer.issue(asked.mirrored, asked.actions, asked.subject, asked.device)
        except ValueError as error:  # RequestError, a refused or invalid action sequence
            return refusal(f"REQUEST: {error}", pb_utils.TritonError.INVALID_ARG)
        except LockedOut as locked:
            self._metrics.refused(locked.reason)
            return refusal(f"{locked.reason.value}: {locked.reason.description} retry_after_s={locked.retry_after_s}",
                           pb_utils.TritonError.INVALID_ARG)
        except TokenStoreUnavailable as unavailable:
            self._metrics.refused(unavailable.reason)
            return refusal(f"{unavailable.reason.value}: {unavailable.reason.description}",
                           pb_utils.TritonError.UNAVAILABLE)
        return pb_utils.InferenceResponse(output_tensors=[json_output("CHALLENGE", challenge_document(issued))])
