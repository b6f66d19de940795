import base64
import hashlib
import hmac
import json
import re

import pytest

from python_backends.decision.challenge import Action, ChallengePolicy, sequence_problem
from python_backends.decision.keyring import parse_keyring
from python_backends.decision.sqlite_token_store import SqliteTokenStore
from python_backends.decision.tokens import (
    ChallengeIssuer,
    ChallengeVerifier,
    LockedOut,
    TokenStoreUnavailable,
    TokenExpired,
    TokenForged,
    TokenMalformed,
    TokenReplayed,
    TokenUnknownKey,
    decode_token,
)
from python_backends.decision.reasons import Reason, Verdict
from python_backends.decision.redis_token_store import RedisTokenStore
from python_backends.decision.attempts import AttemptPolicy, AttemptRecord

OLD = bytes(range(32))
NEW = bytes(range(50, 90))
T0 = 1_700_000_000.0


def spec(*entries: tuple[str, bytes]) -> str:
    return ",".join(f"{kid}:{base64.b64encode(secret).decode()}" for kid, secret in entries)


class Clock:
    def __init__(self, now: float = T0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def keyring():
    return parse_keyring(spec(("k1", OLD)))


@pytest.fixture
def verifier(keyring, clock, tmp_path):
    return ChallengeVerifier(keyring, SqliteTokenStore(tmp_path / "nonces", clock=clock), clock=clock)


def sign(kid: str, body: bytes, secret: bytes) -> str:
    payload = base64.urlsafe_b64encode(body).rstrip(b"=").decode()
    signed = f"v1.{kid}.{payload}"
    mac = hmac.new(secret, signed.encode(), hashlib.sha256).digest()
    return f"{signed}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


@pytest.mark.parametrize("mirrored", [False, True])
def test_round_trip(keyring, verifier, clock, mirrored):
    issued = ChallengeIssuer(keyring, clock=clock).issue(mirrored=mirrored)
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", issued.token) and len(issued.token) < 250
    redeemed = verifier.redeem(issued.token)
    assert redeemed == issued.challenge
    assert redeemed.mirrored is mirrored
    assert redeemed.expires_at == int(T0) + ChallengePolicy().ttl_s
    assert sequence_problem(redeemed.actions, ChallengePolicy()) is None


def test_nonces_are_fresh(keyring, clock):
    issuer = ChallengeIssuer(keyring, clock=clock)
    assert len({issuer.issue(mirrored=False).challenge.nonce for _ in range(50)}) == 50


@pytest.mark.parametrize(
    "token",
    [
        "",
        "garbage",
        "v2.k1.e30.AAAA",
        "v1.k1.e30",
        "v1.k1.e30.AAAA.AAAA",
        "v1.k 1.e30.AAAA",
        "v1.k1.e30.AA+A",
        "v1.k1." + "A" * 2000 + ".AAAA",
        "v1.k1.e30.ÄÄ",
    ],
)
def test_malformed(verifier, token):
    with pytest.raises(TokenMalformed) as error:
        verifier.redeem(token)
    assert error.value.reason is Reason.TOKEN_MALFORMED


def test_non_string_is_malformed(verifier):
    with pytest.raises(TokenMalformed):
        verifier.redeem(b"v1.k1.e30.AAAA")


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        json.dumps({"a": ["blink"], "n": "x", "m": False, "iat": 1}).encode(),  # no exp
        json.dumps({"a": ["wink"], "n": "x", "m": False, "iat": 1, "exp": 2**40}).encode(),
        json.dumps({"a": ["blink"], "n": "x", "m": "yes", "iat": 1, "exp": 2**40}).encode(),
        json.dumps({"a": ["blink"], "n": "x", "m": False, "iat": 1, "exp": "later"}).encode(),
    ],
)
def test_signed_but_malformed_payload(verifier, body):
    with pytest.raises(TokenMalformed):
        verifier.redeem(sign("k1", body, OLD))


def test_tampered_payload_is_forged(keyring, verifier, clock):
    token = ChallengeIssuer(keyring, clock=clock).issue(mirrored=False).token
    version, kid, payload, mac = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body["m"] = True  # claim the frames are mirrored: swaps left and right
    forged_payload = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    with pytest.raises(TokenForged) as error:
        verifier.redeem(f"{version}.{kid}.{forged_payload}.{mac}")
    assert error.value.reason is Reason.TOKEN_FORGED


def test_wrong_secret_is_forged(verifier):
    body = json.dumps({"a": ["blink", "turn_left"], "n": "x", "m": False, "iat": 1, "exp": 2**40}).encode()
    with pytest.raises(TokenForged):
        verifier.redeem(sign("k1", body, NEW))


def test_alternative_encoding_of_the_same_mac_is_refused(keyring, verifier, clock):
    token = ChallengeIssuer(keyring, clock=clock).issue(mirrored=False).token
    head, mac = token.rsplit(".", 1)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    # 32 bytes use 256 of the last 43 characters' 258 bits: flipping the spare bits keeps the bytes.
    twin = mac[:-1] + alphabet[alphabet.index(mac[-1]) ^ 1]
    assert base64.urlsafe_b64decode(twin + "=") == base64.urlsafe_b64decode(mac + "=")
    with pytest.raises(TokenForged):
        verifier.redeem(f"{head}.{twin}")


def test_unknown_key(clock, verifier):
    other = parse_keyring(spec(("k9", NEW)))
    token = ChallengeIssuer(other, clock=clock).issue(mirrored=False).token
    with pytest.raises(TokenUnknownKey) as error:
        verifier.redeem(token)
    assert error.value.reason is Reason.TOKEN_UNKNOWN_KEY


def test_expiry_boundary(keyring, verifier, clock):
    issuer = ChallengeIssuer(keyring, ChallengePolicy(ttl_s=60), clock=clock)
    fresh, stale = issuer.issue(mirrored=False).token, issuer.issue(mirrored=False).token
    clock.now = T0 + 59.9
    verifier.redeem(fresh)
    clock.now = T0 + 60
    with pytest.raises(TokenExpired) as error:
        verifier.redeem(stale)
    assert error.value.reason is Reason.TOKEN_EXPIRED


def test_second_redeem_is_a_replay(keyring, verifier, clock):
    token = ChallengeIssuer(keyring, clock=clock).issue(mirrored=False).token
    verifier.redeem(token)
    with pytest.raises(TokenReplayed) as error:
        verifier.redeem(token)
    assert error.value.reason is Reason.TOKEN_REPLAYED


def test_key_rotation(clock, tmp_path):
    store = SqliteTokenStore(tmp_path / "nonces", clock=clock)
    before = ChallengeIssuer(parse_keyring(spec(("old", OLD))), clock=clock).issue(mirrored=False)
    rotated = parse_keyring(spec(("new", NEW), ("old", OLD)))
    after = ChallengeIssuer(rotated, clock=clock).issue(mirrored=False)
    assert after.challenge.key_id == "new"
    verifier = ChallengeVerifier(rotated, store, clock=clock)
    assert verifier.redeem(before.token).key_id == "old"
    assert verifier.redeem(after.token).key_id == "new"
    retired = ChallengeIssuer(rotated, clock=clock).issue(mirrored=False).token.replace("v1.new.", "v1.old.")
    with pytest.raises(TokenForged):  # a key id is no licence to use another key's MAC
        verifier.redeem(retired)
    late = ChallengeIssuer(parse_keyring(spec(("old", OLD))), clock=clock).issue(mirrored=False).token
    with pytest.raises(TokenUnknownKey):
        ChallengeVerifier(parse_keyring(spec(("new", NEW))), store, clock=clock).redeem(late)


def test_decode_does_not_consume(keyring, verifier, clock):
    token = ChallengeIssuer(keyring, clock=clock).issue(mirrored=False).token
    decode_token(token, keyring, clock())
    verifier.redeem(token)


def test_requested_actions_are_off_by_default(keyring, clock):
    with pytest.raises(ValueError, match="disabled"):
        ChallengeIssuer(keyring, clock=clock).issue(mirrored=False, requested_actions=["blink", "turn_left"])


def test_requested_actions_when_enabled(keyring, verifier, clock):
    issuer = ChallengeIssuer(keyring, ChallengePolicy(allow_requested_actions=True), clock=clock)
    token = issuer.issue(mirrored=True, requested_actions=["turn_right", "blink", "turn_left"]).token
    assert verifier.redeem(token).actions == (Action.TURN_RIGHT, Action.BLINK, Action.TURN_LEFT)
    with pytest.raises(ValueError, match="one blink and one turn"):
        issuer.issue(mirrored=False, requested_actions=["turn_left", "turn_right"])
    with pytest.raises(ValueError):
        issuer.issue(mirrored=False, requested_actions=["wink", "turn_left"])


def test_a_bound_token_carries_hashes_only_and_a_lockout_refuses_it_after_spending_it(keyring, clock, tmp_path):
    store = SqliteTokenStore(tmp_path / "nonces", clock=clock)
    issuer = ChallengeIssuer(keyring, clock=clock, lockouts=store)
    verifier = ChallengeVerifier(keyring, store, clock=clock, attempts=AttemptPolicy(limit=1))
    issued = issuer.issue(False, subject="hmac-of-id-4711", device="handset-9")
    payload = base64.urlsafe_b64decode(issued.token.split(".")[2] + "==").decode()
    assert "4711" not in payload and "handset" not in payload
    assert (json.loads(payload)["s"], json.loads(payload)["d"]) == (issued.challenge.binding.subject,
                                                                    issued.challenge.binding.device)
    redeemed = verifier.redeem(issued.token)
    assert redeemed.binding == issued.challenge.binding
    assert verifier.record(redeemed, Verdict.REJECT, (Reason.FACE_MISMATCH,)) == AttemptRecord(
        ("subject", "device"), ("subject", "device"))
    with pytest.raises(LockedOut) as refusal:
        issuer.issue(False, subject="hmac-of-id-4711")
    assert refusal.value.retry_after_s == AttemptPolicy().lockout_s and refusal.value.reason is Reason.LOCKED_OUT
    issuer.issue(False, subject="someone-else")  # unaffected
    held = issuer.issue(False, device="handset-10")
    store.record_failure(held.challenge.binding.keys(), AttemptPolicy(limit=1))
    with pytest.raises(LockedOut):
        verifier.redeem(held.token)
    with pytest.raises(TokenReplayed):  # the refused token was spent all the same
        verifier.redeem(held.token)


def test_unbound_or_successful_answers_count_nothing(keyring, verifier, clock):
    challenge = verifier.redeem(ChallengeIssuer(keyring, clock=clock).issue(False).token)
    assert verifier.record(challenge, Verdict.REJECT, (Reason.FACE_MISMATCH,)) == AttemptRecord()


def test_a_bound_challenge_needs_a_store_to_check(keyring, clock):
    with pytest.raises(ValueError, match="store"):
        ChallengeIssuer(keyring, clock=clock).issue(False, subject="s")


def test_an_unreachable_store_fails_closed(keyring, clock, tmp_path):
    down = RedisTokenStore("redis://127.0.0.1:1/0")
    issuer = ChallengeIssuer(keyring, clock=clock, lockouts=down)
    with pytest.raises(TokenStoreUnavailable):
        issuer.issue(False, subject="s")
    token = issuer.issue(False).token  # an unbound challenge needs no store
    verifier = ChallengeVerifier(keyring, down, clock=clock)
    with pytest.raises(TokenStoreUnavailable) as refusal:
        verifier.redeem(token)
    assert refusal.value.reason is Reason.SERVICE_UNAVAILABLE
    bound = ChallengeIssuer(keyring, clock=clock, lockouts=SqliteTokenStore(tmp_path)).issue(False, subject="s")
    assert verifier.record(bound.challenge, Verdict.REJECT, (Reason.FACE_MISMATCH,)) == AttemptRecord(lost=True)
