"""Signed challenge tokens: `v1.<kid>.<payload>.<mac>`, all parts URL-safe.

payload = unpadded base64url of compact JSON {"a": actions, "n": nonce, "m": mirrored,
"iat": issued, "exp": expires} (seconds since the epoch), plus "s" / "d" (the keyed hashes of the
subscriber and device, binding.py) when the challenge was bound to them; mac = unpadded base64url of
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

from python_backends.decision.attempts import AttemptPolicy, AttemptRecord, is_failed_attempt, key_kinds
from python_backends.decision.binding import Binding, bind
from python_backends.decision.challenge import Action, Challenge, ChallengePolicy, random_actions, sequence_problem
from python_backends.decision.keyring import KEY_ID, Keyring
from python_backends.decision.reasons import Reason, Verdict
from python_backends.decision.token_store import StoreUnavailable, TokenStore
from python_backends.errors import BackendError

VERSION = "v1"
MAX_TOKEN_CHARS = 1024
NONCE_BYTES = 16
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")

Clock = Callable[[], float]


class TokenError(BackendError):
    """The token cannot be redeemed; `reason` says why."""

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


class TokenStoreUnavailable(TokenError):
    """Fail closed: whether the token was spent cannot be known, so it is not honoured."""

    reason = Reason.SERVICE_UNAVAILABLE


class LockedOut(TokenError):
    """The subscriber or device is locked out after too many failed attempts, for `retry_after_s` more seconds."""

    reason = Reason.LOCKED_OUT

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"locked out for {retry_after_s} s")
        self.retry_after_s = retry_after_s


def refuse_if_locked_out(store: TokenStore, binding: Binding) -> None:
    """Raises LockedOut, or TokenStoreUnavailable when the store cannot say."""
    if not binding.keys():
        return
    try:
        left = store.lockout_left_s(binding.keys())
    except StoreUnavailable:
        raise TokenStoreUnavailable("token store unavailable") from None
    if left > 0:
        raise LockedOut(left)


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
    for field, value in (("s", challenge.binding.subject), ("d", challenge.binding.device)):
        if value is not None:
            body[field] = value
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
            binding=Binding(body.get("s"), body.get("d")),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
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
    """`lockouts`: the store consulted before a bound challenge is issued (needed to bind one)."""

    def __init__(self, keyring: Keyring, policy: ChallengePolicy = ChallengePolicy(), clock: Clock = time.time,
                 lockouts: TokenStore | None = None):
        self._keyring, self.policy, self._clock, self._lockouts = keyring, policy, clock, lockouts

    def issue(self, mirrored: bool, requested_actions: Sequence[Action | str] | None = None,
              subject: str | None = None, device: str | None = None) -> IssuedChallenge:
        """A fresh challenge signed with the active key, bound to `subject` and `device` when given.

        `requested_actions` (demo only) needs `policy.allow_requested_actions` and must itself be a
        valid sequence; raises ValueError otherwise, and for an unusable subject or device.
        A locked-out subject or device raises LockedOut; an unreachable store TokenStoreUnavailable.
        """
        if requested_actions is None:
            actions = random_actions(self.policy)
        elif not self.policy.allow_requested_actions:
            raise ValueError("requested actions are disabled (ChallengePolicy.allow_requested_actions)")
        else:
            actions = tuple(Action(action) for action in requested_actions)
            if problem := sequence_problem(actions, self.policy):
                raise ValueError(problem)
        key = self._keyring.active
        binding = bind(key.secret, subject, device)
        if binding.keys():
            if self._lockouts is None:
                raise ValueError("this issuer has no store to check lockouts in")
            refuse_if_locked_out(self._lockouts, binding)
        now = int(self._clock())
        challenge = Challenge(
            actions=actions,
            nonce=_b64encode(secrets.token_bytes(NONCE_BYTES)),
            issued_at=now,
            expires_at=now + self.policy.ttl_s,
            key_id=key.key_id,
            mirrored=bool(mirrored),
            binding=binding,
        )
        return IssuedChallenge(encode_token(challenge, key.secret), challenge)


class ChallengeVerifier:
    def __init__(self, keyring: Keyring, store: TokenStore, clock: Clock = time.time,
                 attempts: AttemptPolicy = AttemptPolicy()):
        self._keyring, self._store, self._clock, self._attempts = keyring, store, clock, attempts

    def redeem(self, token: str) -> Challenge:
        """Verify the token and use it up: the first redeem of a genuine token wins, later ones
        raise TokenReplayed. The token is spent whatever the verification then decides, a lockout of
        the subscriber or device it is bound to included (LockedOut). TokenStoreUnavailable when the
        store cannot be reached: nothing is honoured then."""
        challenge = decode_token(token, self._keyring, self._clock())
        try:
            consumed = self._store.consume(challenge.nonce, challenge.expires_at)
        except StoreUnavailable:
            raise TokenStoreUnavailable("token store unavailable") from None
        if not consumed:
            raise TokenReplayed("already used")
        refuse_if_locked_out(self._store, challenge.binding)
        return challenge

    def record(self, challenge: Challenge, verdict: Verdict, reasons: tuple[Reason, ...]) -> AttemptRecord:
        """Counts a failed attempt against what the redeemed challenge is bound to; the answer stands
        whether or not the store could count it."""
        keys = challenge.binding.keys()
        if not keys or not is_failed_attempt(verdict, reasons):
            return AttemptRecord()
        try:
            locked = self._store.record_failure(keys, self._attempts)
        except StoreUnavailable:
            return AttemptRecord(lost=True)
        return AttemptRecord(key_kinds(keys), key_kinds(locked))
