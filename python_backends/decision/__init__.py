"""The verify decision without Triton: challenge tokens, one-use nonces, reason codes, rules.

Typical use in the verify model:

    verifier = ChallengeVerifier(load_keyring(), open_token_store(StoreLocation(state_dir=state_dir)))
    try:
        redeemed = verifier.redeem(token)
    except TokenError as error:
        redeemed = error
    decision = screen(redeemed, id_image, frame_images, config)
    if decision is None:
        ...  # detection -> face counts
        decision = screen_faces(id_face_count, frame_face_counts, config)
    if decision is None:
        ...  # liveness + embedding inference -> IdPhotoMeasurement, [FrameMeasurement]
        decision = assess(redeemed, id_photo, frames, config)
    if isinstance(redeemed, Challenge):
        verifier.record(redeemed, decision.verdict, decision.reasons)  # counts failed attempts
"""

from python_backends.decision.actions import ActionEvent, ClipMotion
from python_backends.decision.attempts import AttemptPolicy, AttemptRecord, is_failed_attempt
from python_backends.decision.binding import Binding
from python_backends.decision.challenge import Action, Challenge, ChallengePolicy
from python_backends.decision.config import DecisionConfig
from python_backends.decision.keyring import Keyring, KeyringError, SigningKey, load_keyring, parse_keyring
from python_backends.decision.measurements import Box, FrameMeasurement, IdPhotoMeasurement, ImageFacts, LiveFace
from python_backends.decision.sqlite_token_store import SqliteTokenStore
from python_backends.decision.token_store import StoreLocation, StoreUnavailable, TokenStore, open_token_store
from python_backends.decision.reasons import Reason, Verdict, reason_codes_markdown
from python_backends.decision.rules import Decision, LivenessEvidence, QualityFigures, assess, screen, screen_faces
from python_backends.decision.tokens import (
    ChallengeIssuer,
    ChallengeVerifier,
    IssuedChallenge,
    LockedOut,
    TokenError,
    TokenExpired,
    TokenForged,
    TokenMalformed,
    TokenReplayed,
    TokenStoreUnavailable,
    TokenUnknownKey,
)

__all__ = [
    "Action", "ActionEvent", "AttemptPolicy", "AttemptRecord", "Binding", "Box", "Challenge", "ChallengeIssuer", "ChallengePolicy",
    "ChallengeVerifier", "ClipMotion", "Decision", "DecisionConfig", "FrameMeasurement", "IdPhotoMeasurement",
    "ImageFacts", "IssuedChallenge", "Keyring", "KeyringError", "LiveFace", "LivenessEvidence", "LockedOut",
    "QualityFigures", "Reason", "SigningKey", "SqliteTokenStore", "StoreLocation", "StoreUnavailable",
    "TokenError", "TokenExpired", "TokenForged", "TokenMalformed", "TokenReplayed", "TokenStore",
    "TokenStoreUnavailable", "TokenUnknownKey", "Verdict", "assess", "is_failed_attempt", "load_keyring",
    "open_token_store", "parse_keyring", "reason_codes_markdown", "screen", "screen_faces",
]
