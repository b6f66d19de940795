"""The liveness challenge: which actions, in which order, and the rules a sequence must follow."""

from __future__ import annotations

import enum
import itertools
import secrets
from dataclasses import dataclass
from functools import cache

from python_backends.decision.binding import Binding


class Action(str, enum.Enum):
    """Left/right are the customer's own, whatever the camera shows."""

    BLINK = "blink"
    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"


TURNS = frozenset({Action.TURN_LEFT, Action.TURN_RIGHT})


@dataclass(frozen=True)
class ChallengePolicy:
    min_actions: int = 2
    max_actions: int = 3
    ttl_s: int = 120  # from issue to verify: reading the prompt, recording, uploading
    # Demo only: lets the caller choose the action order, which makes the challenge predictable.
    allow_requested_actions: bool = False

    def __post_init__(self) -> None:
        if not 2 <= self.min_actions <= self.max_actions:
            raise ValueError("need 2 <= min_actions <= max_actions (one blink and one turn at least)")
        if self.ttl_s <= 0:
            raise ValueError("ttl_s must be positive")


@dataclass(frozen=True)
class Challenge:
    """What a verified token says; `mirrored`: the frames are horizontally flipped (front camera);
    `binding`: the keyed hashes of the subscriber and device it was issued for."""

    actions: tuple[Action, ...]
    nonce: str
    issued_at: int
    expires_at: int
    key_id: str
    mirrored: bool
    binding: Binding = Binding()


def sequence_problem(actions: tuple[Action, ...], policy: ChallengePolicy) -> str | None:
    """Why `actions` is not an acceptable challenge, or None.

    At least one blink and one turn, and never the same action twice in a row (two blinks or two
    same-side turns in a row cannot be told apart from one long one).
    """
    if not policy.min_actions <= len(actions) <= policy.max_actions:
        return f"between {policy.min_actions} and {policy.max_actions} actions are required"
    if Action.BLINK not in actions or not TURNS.intersection(actions):
        return "at least one blink and one turn are required"
    if any(a == b for a, b in zip(actions, actions[1:])):
        return "the same action may not be repeated back to back"
    return None


@cache
def _valid_sequences(policy: ChallengePolicy) -> tuple[tuple[Action, ...], ...]:
    return tuple(
        sequence
        for length in range(policy.min_actions, policy.max_actions + 1)
        for sequence in itertools.product(Action, repeat=length)
        if sequence_problem(sequence, policy) is None
    )


def random_actions(policy: ChallengePolicy) -> tuple[Action, ...]:
    """A uniformly drawn valid sequence, from the OS's cryptographic random source."""
    return secrets.choice(_valid_sequences(policy))
