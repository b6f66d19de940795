"""A throwaway keyring for demos and tests: random keys in a private file, removed on exit."""

from __future__ import annotations

import base64
import contextlib
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def temporary_keyring_file(key_ids: tuple[str, ...] = ("test-active", "test-previous")) -> Iterator[Path]:
    """A 0600 keyring file whose first key signs and the others still verify.
    Read it back with `load_keyring({"FACEGATE_KEYRING_FILE": str(path)})`."""
    spec = ",".join(f"{kid}:{base64.b64encode(secrets.token_bytes(32)).decode()}" for kid in key_ids)
    with tempfile.TemporaryDirectory(prefix="facegate-keyring-") as directory:
        path = Path(directory) / "keyring"
        path.touch(mode=0o600)
        path.write_text(spec)
        yield path
