import pytest

from python_backends.decision import ChallengePolicy, DecisionConfig
from python_backends.verify.parameters import from_parameters


def test_parameters_are_cast_to_the_field_types():
    config = from_parameters(DecisionConfig, {"match_threshold": "0.62", "min_frames": "10"})
    assert config.match_threshold == 0.62 and config.min_frames == 10 and isinstance(config.min_frames, int)
    policy = from_parameters(ChallengePolicy, {"ttl_s": "60"}, allow_requested_actions=True)
    assert policy.ttl_s == 60 and policy.allow_requested_actions


def test_unknown_parameters_fail_instead_of_falling_back_to_defaults():
    with pytest.raises(ValueError, match="match_treshold"):
        from_parameters(DecisionConfig, {"match_treshold": "0.9"})
