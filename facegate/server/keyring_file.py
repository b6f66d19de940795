"""Keyring files: a new one, rotation and removal of keys (`facegate keyring`), and throwaway ones
for demos and tests. Always written 0600 and replaced atomically (a server never reads half a file)."""

from __future__ import annotations

import contextlib
import datetime
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

from python_backends.decision.keyring import Keyring, KeyringError, SigningKey, read_keyring_file


def new_key_id() -> str:
    """`k<UTC date>-<random hex>`: sorts by creation day, unique in practice."""
    return f"k{datetime.datetime.now(datetime.timezone.utc):%Y%m%d}-{secrets.token_hex(3)}"


def write_keyring(path: Path, keyring: Keyring, replace: bool) -> None:
    """Writes `keyring` to `path` (0600, its folder created 0700); an existing file only with `replace`."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.exists() and not replace:
        raise KeyringError(f"{path} exists: rotate it instead of overwriting its keys")
    descriptor, partial = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mkstemp: 0600
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(keyring.spec() + "\n")
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def new_keyring(path: Path) -> SigningKey:
    key = SigningKey.random(new_key_id())
    write_keyring(path, Keyring((key,)), replace=False)
    return key


def rotate_keyring(path: Path) -> SigningKey:
    """A new signing key first; the previous ones stay, for tokens they signed, until removed."""
    keyring = read_keyring_file(path)
    key = SigningKey.random(new_key_id())
    write_keyring(path, Keyring((key, *keyring.keys)), replace=True)
    return key


def remove_key(path: Path, key_id: str) -> None:
    keyring = read_keyring_file(path)
    if keyring.get(key_id) is None:
        raise KeyringError(f"no key {key_id!r} in {path}")
    if keyring.active.key_id == key_id:
        raise KeyringError(f"{key_id!r} is the signing key: rotate first")
    write_keyring(path, Keyring(tuple(key for key in keyring.keys if key.key_id != key_id)), replace=True)


@contextlib.contextmanager
def temporary_keyring_file(key_ids: tuple[str, ...] = ("test-active", "test-previous")) -> Iterator[Path]:
    """A 0600 keyring file whose first key signs and the others still verify.
    Read it back with `load_keyring({"FACEGATE_KEYRING_FILE": str(path)})`."""
    with tempfile.TemporaryDirectory(prefix="facegate-keyring-") as directory:
        path = Path(directory) / "keyring"
        write_keyring(path, Keyring(tuple(SigningKey.random(kid) for kid in key_ids)), replace=False)
        yield path
