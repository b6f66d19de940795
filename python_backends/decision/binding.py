"""Binding a challenge to a subscriber and a device, by keyed hashes only.

The carrier passes its opaque reference for the person (`subject`, e.g. an HMAC of the ID number)
and for the device. The server keeps neither as given: the token carries, and the store counts
attempts under, HMAC-SHA256(binding key, kind + value) truncated to 128 bits. The binding key is
derived from the keyring's signing key, so every node of a fleet (same keyring) computes the same
hashes; rotating the signing key starts the counts afresh.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

MAX_REFERENCE_CHARS = 256
HASH_CHARS = 22  # 128 bits, unpadded base64url
_HASH = re.compile(r"[A-Za-z0-9_-]{%d}" % HASH_CHARS)
_DERIVATION = b"facegate subscriber binding v1"


@dataclass(frozen=True)
class Binding:
    """Keyed hashes (never the references themselves); None where the caller gave none."""

    subject: str | None = None
    device: str | None = None

    def __post_init__(self) -> None:
        for value in (self.subject, self.device):
            if value is not None and not (isinstance(value, str) and _HASH.fullmatch(value)):
                raise ValueError("a binding holds keyed hashes only")

    def keys(self) -> tuple[str, ...]:
        """The store keys failed attempts are counted under."""
        return tuple(f"{kind}:{value}" for kind, value in (("subject", self.subject), ("device", self.device))
                     if value is not None)


def valid_reference(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_REFERENCE_CHARS and value.isprintable()


def bind(secret: bytes, subject: str | None, device: str | None) -> Binding:
    """The binding for the carrier's references; raises ValueError for an empty, over-long or unprintable one."""
    key = hmac.new(secret, _DERIVATION, hashlib.sha256).digest()

    def keyed(kind: str, value: str | None) -> str | None:
        if value is None:
            return None
        if not valid_reference(value):
            raise ValueError(f"{kind} must be 1 to {MAX_REFERENCE_CHARS} printable characters")
        digest = hmac.new(key, f"{kind}\0{value}".encode(), hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    return Binding(keyed("subject", subject), keyed("device", device))
