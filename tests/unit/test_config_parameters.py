import pytest

from python_backends.config_parameters import (RELOAD_GENERATION, ParameterError, from_parameters, model_parameters,
                                               read_strictly)
from python_backends.decision import ChallengePolicy, DecisionConfig
from python_backends.verify.parameters import VerifyParameters, challenge_policy
from python_backends.video import VideoSettings


def _config(**params: str) -> dict:
    return {"name": "some_model", "parameters": {key: {"string_value": value} for key, value in params.items()}}


def test_parameters_are_cast_to_the_field_types():
    config = from_parameters(DecisionConfig, {"match_threshold": "0.62", "min_frames": "10"})
    assert config.match_threshold == 0.62 and config.min_frames == 10 and isinstance(config.min_frames, int)
    policy = from_parameters(ChallengePolicy, {"ttl_s": "60"}, allow_requested_actions=True)
    assert policy.ttl_s == 60 and policy.allow_requested_actions


def test_unknown_parameters_fail_instead_of_falling_back_to_defaults():
    with pytest.raises(ValueError, match="match_treshold"):
        from_parameters(DecisionConfig, {"match_treshold": "0.9"})


def test_model_parameters():
    assert model_parameters({"parameters": {"a": {"string_value": "1"}}}) == {"a": "1"}
    assert model_parameters({}) == {}


def test_the_launchers_reload_generation_is_no_models_parameter():
    assert model_parameters(_config(**{"a": "1", RELOAD_GENERATION: "3"})) == {"a": "1"}


def test_read_strictly_returns_what_the_reader_built():
    assert read_strictly(_config(a="1"), lambda params: int(params.get("a", "0")) + ("b" in params)) == 1


def test_read_strictly_names_keys_no_reader_asked_for():
    with pytest.raises(ParameterError, match=r"model 'some_model': unknown parameters score_treshold \(it reads a\)"):
        read_strictly(_config(a="1", score_treshold="0.5"), lambda params: params.get("a"))


def test_verify_parameters_split_video_and_decision_keys():
    parameters = VerifyParameters.from_config(_config(ensemble_request_split="2", video_detect_every="4",
                                                      match_threshold="0.6"))
    assert parameters.request_split == 2 and parameters.video.detect_every == 4
    assert parameters.decision.match_threshold == 0.6
    assert VerifyParameters.from_config({}) == VerifyParameters(DecisionConfig(), VideoSettings())


@pytest.mark.parametrize("key", ["match_treshold", "video_detect_evry"])
def test_verify_parameters_refuse_unknown_keys(key):
    with pytest.raises(ValueError, match=key.removeprefix("video_")):
        VerifyParameters.from_config(_config(**{key: "1"}))


def test_verify_parameters_refuse_more_frames_than_an_ensemble_batch():
    with pytest.raises(ParameterError, match="max batch"):
        VerifyParameters.from_config(_config(max_frames="65"))


def test_challenge_policy_takes_the_environment_flag_apart():
    assert challenge_policy(_config(ttl_s="60"), True) == ChallengePolicy(ttl_s=60, allow_requested_actions=True)
    with pytest.raises(ValueError, match="ttl"):
        challenge_policy(_config(ttl="60"), False)
