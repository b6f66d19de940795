"""What the challenge and verify models take from the server process's environment.

Secrets never come from a model's config.pbtxt (it is committed) nor from the command line:
the keyring is read from $FACEGATE_KEYRING or a private file named by $FACEGATE_KEYRING_FILE.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from python_backends.decision import Keyring, KeyringError, load_keyring
from python_backends.decision.keyring import KEYRING_ENV, KEYRING_FILE_ENV

STATE_DIR_ENV = "FACEGATE_STATE_DIR"
ALLOW_REQUESTED_ACTIONS_ENV = "FACEGATE_ALLOW_REQUESTED_ACTIONS"
ALLOW_EMBEDDINGS_ENV = "FACEGATE_ALLOW_EMBEDDINGS"
HEALS_FILE_ENV = "FACEGATE_HEALS_FILE"
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


class SettingsError(RuntimeError):
    """The environment does not configure the service; the model refuses to load (no secret in the message)."""


@dataclass(frozen=True)
class ServiceSettings:
    keyring: Keyring
    state_dir: Path | None
    """Private directory of the one-use nonce store shared by every model instance (verify needs it)."""
    allow_requested_actions: bool = False
    """Demo mode: a challenge request may name its action order."""
    allow_embeddings: bool = False
    """A verify caller may ask for the embeddings in the answer."""
    heals_file: Path | None = None
    """The launcher's count of model reloads per model (facegate/server/watchdog.py); None without the launcher."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ, need_state_dir: bool = False) -> ServiceSettings:
        try:
            keyring = load_keyring(environ)
        except (KeyringError, OSError) as error:
            raise SettingsError(
                f"no usable challenge keyring ({error}): the server's environment must give {KEYRING_ENV} or "
                f"{KEYRING_FILE_ENV} (`facegate serve --keyring-file PATH`)") from None
        state_dir = environ.get(STATE_DIR_ENV) or None
        if need_state_dir and state_dir is None:
            raise SettingsError(f"set {STATE_DIR_ENV} to a private directory for the one-use challenge nonces")
        heals_file = environ.get(HEALS_FILE_ENV) or None
        return cls(keyring, Path(state_dir) if state_dir else None, _flag(environ, ALLOW_REQUESTED_ACTIONS_ENV),
                   _flag(environ, ALLOW_EMBEDDINGS_ENV), Path(heals_file) if heals_file else None)


def _flag(environ: Mapping[str, str], name: str) -> bool:
    value = environ.get(name, "").strip().lower()
    if value not in _TRUE | _FALSE:
        raise SettingsError(f"{name} must be 1 or 0, got {value!r}")
    return value in _TRUE
