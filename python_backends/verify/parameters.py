"""What the verify and challenge models read from their config.pbtxt `parameters`, strictly
(an unknown key fails the load)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from python_backends.config_parameters import ParameterError, from_parameters, model_parameters
from python_backends.decision import ChallengePolicy, DecisionConfig
from python_backends.verify.ensembles import ENSEMBLE_MAX_BATCH
from python_backends.video.settings import VideoSettings

SPLIT_PARAMETER = "ensemble_request_split"


@dataclass(frozen=True)
class VerifyParameters:
    """Any DecisionConfig field, any VideoSettings field as `video_<field>`, and `ensemble_request_split`."""

    decision: DecisionConfig
    video: VideoSettings
    request_split: int = 1
    """Each ensemble call goes out as this many concurrent requests (near-equal parts of the clip)."""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> VerifyParameters:
        params = model_parameters(config)
        split = int(params.pop(SPLIT_PARAMETER, "1"))
        video = VideoSettings.take_parameters(params)
        decision = from_parameters(DecisionConfig, params)
        if decision.max_frames > ENSEMBLE_MAX_BATCH:
            raise ParameterError(f"max_frames {decision.max_frames} exceeds the ensembles' max batch {ENSEMBLE_MAX_BATCH}")
        return cls(decision, video, split)


def challenge_policy(config: Mapping[str, Any], allow_requested_actions: bool) -> ChallengePolicy:
    """The challenge model's parameters: any ChallengePolicy field but `allow_requested_actions` (environment)."""
    return from_parameters(ChallengePolicy, model_parameters(config), allow_requested_actions=allow_requested_actions)
