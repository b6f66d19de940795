"""Signed challenge tokens: `v1.<kid>.<payload>.<mac>`, all parts URL-safe.

payload = unpadded base64url of compact JSON {"a": actions, "n": nonce, "m": mirrored,
"iat": issued, "exp": expires} (seconds since the epoch); mac = unpadded base64url of
HMAC-SHA256(secret of kid, "v1.<kid>.<payload>"). The key id is outside the payload so the key
is found, and the MAC checked, before any payload byte is parsed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from python_backends.decision.challenge import Action, Challenge, ChallengePolicy, random_actions, sequence_problem
from python_backends.decision.keyring import KEY_ID, Keyring
from python_backends.decision.nonce_store import NonceStore
from python_backends.decision.reasons import Reason

VERSION = "v1"
MAX_TOKEN_CHARS = 1024
NONCE_BYTES = 16
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")

Clock = Callable[[], float]


class TokenError(Exception):
    reason: Reason


class TokenMalformed(TokenError):
    reason = Reason.TOKEN_MALFORMED


class TokenForged(TokenError):
    reason = Reason.TOKEN_FORGED


class TokenUnknownKey(TokenError):
    reason = Reason.TOKEN_UNKNOWN_KEY


class TokenExpired(TokenError):
    reason = Reason.TOKEN_EXPIRED


class TokenReplayed(TokenError):
    reason = Reason.TOKEN_REPLAYED


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:  # binascii.Error included
        raise TokenMalformed("bad base64") from None


def _mac(secret: bytes, signed_part: str) -> bytes:
    return hmac.new(secret, signed_part.encode("ascii"), hashlib.sha256).digest()


def encode_token(challenge: Challenge, secret: bytes) -> str:
    body = {
        "a": [action.value for action in challenge.actions],
        "n": challenge.nonce,
        "m": challenge.mirrored,
        "iat": challenge.issued_at,
        "exp": challenge.expires_at,
    }
    payload = _b64encode(json.dumps(body, separators=(",", ":")).encode())
    signed_part = f"{VERSION}.{challenge.key_id}.{payload}"
    return f"{signed_part}.{_b64encode(_mac(secret, signed_part))}"


def _parse_payload(payload: str, key_id: str) -> Challenge:
    try:
        body = json.loads(_b64decode(payload))
        challenge = Challenge(
            actions=tuple(Action(name) for name in body["a"]),
            nonce=body["n"],
            issued_at=body["iat"],
            expires_at=body["exp"],
            key_id=key_id,
            mirrored=body["m"],
        )
    except (ValueError, KeyError, TypeError):
        raise TokenMalformed("bad payload") from None
    if not (
        isinstance(challenge.nonce, str)
        and isinstance(challenge.mirrored, bool)
        and all(type(t) is int for t in (challenge.issued_at, challenge.expires_at))
    ):
        raise TokenMalformed("bad payload field types")
    return challenge


def decode_token(token: str, keyring: Keyring, now: float) -> Challenge:
    """The challenge a genuine, unexpired token carries; raises a TokenError subclass otherwise."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS or not token.isascii():
        raise TokenMalformed("not a token")
    parts = token.split(".")
    if (
        len(parts) != 4
        or parts[0] != VERSION
        or not KEY_ID.fullmatch(parts[1])
        or not all(_BASE64URL.fullmatch(part) for part in parts[2:])
    ):
        raise TokenMalformed("not a v1 token")
    _, key_id, payload, mac = parts
    key = keyring.get(key_id)
    if key is None:
        raise TokenUnknownKey(key_id)
    # Comparing the canonical text also refuses alternative encodings of the same MAC bytes.
    if not hmac.compare_digest(mac, _b64encode(_mac(key.secret, f"{VERSION}.{key_id}.{payload}"))):
        raise TokenForged("signature mismatch")
    challenge = _parse_payload(payload, key_id)
    if now >= challenge.expires_at:
        raise TokenExpired("expired")
    return challenge


@dataclass(frozen=True)
class IssuedChallenge:
    token: str
    challenge: Challenge


class ChallengeIssuer:
    def __init__(self, keyring: Keyring, policy: ChallengePolicy = ChallengePolicy(), clock: Clock = time.time):
        self._keyring, self.policy, self._clock = keyring, policy, clock

    def issue(self, mirrored: bool, requested_actions: Sequence[Action | str] | None = None) -> IssuedChallenge:
        """A fresh challenge signed with the active key.

        `requested_actions` (demo only) needs `policy.allow_requested_actions` and must itself be a
        valid sequence; raises ValueError otherwise.
        """
        if requested_actions is None:
            actions = random_actions(self.policy)
        elif not self.policy.allow_requested_actions:
            raise ValueError("requested actions are disabled (ChallengePolicy.allow_requested_actions)")
        else:
            actions = tuple(Action(action) for action in requested_actions)
            if problem := sequence_problem(actions, self.policy):
                raise ValueError(problem)
        now = int(self._clock())
        key = self._keyring.active
        challenge = Challenge(
            actions=actions,
            nonce=_b64encode(secrets.token_bytes(NONCE_BYTES)),
            issued_at=now,
            expires_at=now + self.policy.ttl_s,
            key_id=key.key_id,
            mirrored=bool(mirrored),
        )
        return IssuedChallenge(encode_token(challenge, key.secret), challenge)


class ChallengeVerifier:
    def __init__(self, keyring: Keyring, nonces: NonceStore, clock: Clock = time.time):
        self._keyring, self._nonces, self._clock = keyring, nonces, clock

    def redeem(self, token: str) -> Challenge:
        """Verify the token and use it up: the first redeem of a genuine token wins, later ones
        raise TokenReplayed. The token is spent whatever the verification then decides."""
        challenge = decode_token(token, self._keyring, self._clock())
        if not self._nonces.consume(challenge.nonce, challenge.expires_at):
            raise TokenReplayed("already used")
        return challenge
