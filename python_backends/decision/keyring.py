"""HMAC keys for challenge tokens, with rotation.

Spec: `kid1:base64secret,kid2:base64secret,...`. The first entry is the active signing key; the
others are still accepted for verification until removed from the spec. Secrets come from the
environment or a private file, never from the command line (argv is visible to every local user).
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from python_backends.errors import BackendError

KEYRING_ENV = "FACEGATE_KEYRING"
KEYRING_FILE_ENV = "FACEGATE_KEYRING_FILE"
MIN_SECRET_BYTES = 32  # HMAC-SHA256's output size
KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


class KeyringError(BackendError, ValueError):
    """The keyring spec or its source is unusable (the message never contains a secret)."""


@dataclass(frozen=True)
class SigningKey:
    key_id: str
    secret: bytes = field(repr=False)

    @classmethod
    def random(cls, key_id: str) -> SigningKey:
        return cls(key_id, secrets.token_bytes(MIN_SECRET_BYTES))

    def spec(self) -> str:
        return f"{self.key_id}:{base64.b64encode(self.secret).decode()}"


@dataclass(frozen=True)
class Keyring:
    keys: tuple[SigningKey, ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise KeyringError("the keyring is empty")
        ids = [key.key_id for key in self.keys]
        if len(set(ids)) != len(ids):
            raise KeyringError("duplicate key id in the keyring")

    @property
    def active(self) -> SigningKey:
        return self.keys[0]

    def get(self, key_id: str) -> SigningKey | None:
        return next((key for key in self.keys if key.key_id == key_id), None)

    def spec(self) -> str:
        """The `kid:base64secret,...` text `parse_keyring` reads."""
        return ",".join(key.spec() for key in self.keys)


def _decode_secret(text: str, key_id: str) -> bytes:
    """Standard or URL-safe base64, padding optional."""
    text = text.strip().replace("-", "+").replace("_", "/")
    try:
        secret = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except binascii.Error:
        raise KeyringError(f"the secret of key {key_id!r} is not base64") from None
    if len(secret) < MIN_SECRET_BYTES:
        raise KeyringError(f"the secret of key {key_id!r} is shorter than {MIN_SECRET_BYTES} bytes")
    return secret


def parse_keyring(spec: str) -> Keyring:
    keys = []
    for entry in spec.strip().split(","):
        key_id, sep, secret = entry.strip().partition(":")
        if not sep or not KEY_ID.fullmatch(key_id):
            raise KeyringError("keyring entries must be `kid:base64secret` with kid in [A-Za-z0-9_-]{1,32}")
        keys.append(SigningKey(key_id, _decode_secret(secret, key_id)))
    return Keyring(tuple(keys))


def load_keyring(environ: Mapping[str, str] = os.environ) -> Keyring:
    """From $FACEGATE_KEYRING, else from the file named by $FACEGATE_KEYRING_FILE.

    The file must be a regular file that only its owner can read or write.
    """
    if spec := environ.get(KEYRING_ENV):
        return parse_keyring(spec)
    if path := environ.get(KEYRING_FILE_ENV):
        return read_keyring_file(Path(path))
    raise KeyringError(f"set {KEYRING_ENV} or {KEYRING_FILE_ENV}")


def read_keyring_file(path: Path) -> Keyring:
    """The file must be a regular file that only its owner can read or write."""
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode) or mode & 0o077:
        raise KeyringError(f"{path} must be a regular file with no group/other permissions (chmod 600)")
    return parse_keyring(path.read_text())
