import pytest

from python_backends.decision.config import DecisionConfig


def test_defaults_are_consistent():
    config = DecisionConfig()
    assert config.min_frames == 8 and config.max_frames == 64


@pytest.mark.parametrize(
    "changes",
    [
        dict(min_frames=0),
        dict(min_frames=10, max_frames=9),
        dict(blink_close_fraction=0.9, blink_reopen_fraction=0.8),
        dict(turn_return_fraction=0.0),
        dict(match_threshold=-0.1),
    ],
)
def test_inconsistent_settings_are_refused(changes):
    with pytest.raises(ValueError):
        DecisionConfig(**changes)
