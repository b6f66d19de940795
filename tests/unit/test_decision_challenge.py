import pytest

from python_backends.decision.challenge import Action, ChallengePolicy, random_actions, sequence_problem

B, L, R = Action.BLINK, Action.TURN_LEFT, Action.TURN_RIGHT


@pytest.mark.parametrize("actions", [(B, L), (R, B), (B, L, B), (L, B, R), (L, R, B), (B, R, L)])
def test_valid_sequences(actions):
    assert sequence_problem(actions, ChallengePolicy()) is None


@pytest.mark.parametrize(
    "actions, problem",
    [
        ((B,), "between"),
        ((B, L, B, R), "between"),
        ((L, R), "one blink and one turn"),
        ((L, R, L), "one blink and one turn"),
        ((B, B, L), "back to back"),
        ((B, L, L), "back to back"),
    ],
)
def test_invalid_sequences(actions, problem):
    assert problem in sequence_problem(actions, ChallengePolicy())


def test_random_actions_draws_every_valid_sequence_and_nothing_else():
    policy = ChallengePolicy()
    drawn = {random_actions(policy) for _ in range(3000)}
    assert all(sequence_problem(actions, policy) is None for actions in drawn)
    # 4 two-action and 10 three-action sequences.
    assert len(drawn) == 14


@pytest.mark.parametrize("kwargs", [dict(min_actions=1), dict(min_actions=3, max_actions=2), dict(ttl_s=0)])
def test_policy_rejects_unusable_settings(kwargs):
    with pytest.raises(ValueError):
        ChallengePolicy(**kwargs)
