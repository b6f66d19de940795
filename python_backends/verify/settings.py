"""What the challenge and verify models take from the server process's environment.

Secrets never come from a model's config.pbtxt (it is committed) nor from the command line:
the keyring is read from $FACEGATE_KEYRING or a private file named by $FACEGATE_KEYRING_FILE, and
the token store's URL (which may hold a Redis password) from $FACEGATE_TOKEN_STORE.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from python_backends.decision import AttemptPolicy, Keyring, KeyringError, StoreLocation, load_keyring
from python_backends.decision.keyring import KEYRING_ENV, KEYRING_FILE_ENV
from python_backends.errors import BackendError

STATE_DIR_ENV = "FACEGATE_STATE_DIR"
TOKEN_STORE_ENV = "FACEGATE_TOKEN_STORE"
TOKEN_STORE_CA_FILE_ENV = "FACEGATE_TOKEN_STORE_CA_FILE"
TOKEN_STORE_REPLICAS_ENV = "FACEGATE_TOKEN_STORE_REPLICAS"
ATTEMPT_LIMIT_ENV = "FACEGATE_ATTEMPT_LIMIT"
ATTEMPT_WINDOW_ENV = "FACEGATE_ATTEMPT_WINDOW_S"
LOCKOUT_ENV = "FACEGATE_LOCKOUT_S"
ALLOW_REQUESTED_ACTIONS_ENV = "FACEGATE_ALLOW_REQUESTED_ACTIONS"
ALLOW_EMBEDDINGS_ENV = "FACEGATE_ALLOW_EMBEDDINGS"
DECISION_ONLY_ENV = "FACEGATE_DECISION_ONLY"
HEALS_FILE_ENV = "FACEGATE_HEALS_FILE"
UNANSWERED_FILE_ENV = "FACEGATE_UNANSWERED_FILE"
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


class SettingsError(BackendError, RuntimeError):
    """The environment does not configure the service; the model refuses to load (no secret in the message)."""


@dataclass(frozen=True)
class ServiceSettings:
    keyring: Keyring
    token_store: StoreLocation
    """The one-use token and attempt store shared by every model instance (of every node, with Redis)."""
    attempts: AttemptPolicy = AttemptPolicy()
    allow_requested_actions: bool = False
    """Demo mode: a challenge request may name its action order."""
    allow_embeddings: bool = False
    """A verify caller may ask for the embeddings in the answer."""
    decision_only: bool = False
    """verify answers the decision and reason codes only: no scores, no evidence."""
    heals_file: Path | None = None
    """The launcher's count of model reloads per model (facegate/server/watchdog.py); None without the launcher."""
    unanswered_file: Path | None = None
    """The launcher's count of errors Triton answered for verify without it (unanswered_errors.py)."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> ServiceSettings:
        try:
            keyring = load_keyring(environ)
        except (KeyringError, OSError) as error:
            raise SettingsError(
                f"no usable challenge keyring ({error}): the server's environment must give {KEYRING_ENV} or "
                f"{KEYRING_FILE_ENV} (`facegate serve --keyring-file PATH`)") from None
        try:
            token_store = StoreLocation(environ.get(TOKEN_STORE_ENV) or None, _path(environ, TOKEN_STORE_CA_FILE_ENV),
                                        _path(environ, STATE_DIR_ENV), int(environ.get(TOKEN_STORE_REPLICAS_ENV) or 0))
            attempts = AttemptPolicy(*(int(environ.get(name) or default) for name, default in (
                (ATTEMPT_LIMIT_ENV, AttemptPolicy.limit), (ATTEMPT_WINDOW_ENV, AttemptPolicy.window_s),
                (LOCKOUT_ENV, AttemptPolicy.lockout_s))))
        except ValueError as error:
            raise SettingsError(f"{error} (set {TOKEN_STORE_ENV} or {STATE_DIR_ENV}; attempt limits are "
                                f"whole numbers)") from None
        return cls(keyring, token_store, attempts, _flag(environ, ALLOW_REQUESTED_ACTIONS_ENV),
                   _flag(environ, ALLOW_EMBEDDINGS_ENV), _flag(environ, DECISION_ONLY_ENV),
                   _path(environ, HEALS_FILE_ENV), _path(environ, UNANSWERED_FILE_ENV))


def _path(environ: Mapping[str, str], name: str) -> Path | None:
    return Path(environ[name]) if environ.get(name) else None


def _flag(environ: Mapping[str, str], name: str) -> bool:
    value = environ.get(name, "").strip().lower()
    if value not in _TRUE | _FALSE:
        raise SettingsError(f"{name} must be 1 or 0, got {value!r}")
    return value in _TRUE
