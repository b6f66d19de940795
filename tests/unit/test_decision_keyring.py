import base64
import os

import pytest

from python_backends.decision.keyring import KeyringError, load_keyring, parse_keyring

SECRET_A = bytes(range(32))
SECRET_B = bytes(range(100, 140))


def b64(secret: bytes) -> str:
    return base64.b64encode(secret).decode()


def test_first_key_signs_and_all_verify():
    keyring = parse_keyring(f"new:{b64(SECRET_B)}, old:{b64(SECRET_A)}")
    assert keyring.active.key_id == "new"
    assert keyring.get("old").secret == SECRET_A
    assert keyring.get("gone") is None


def test_url_safe_unpadded_secret_is_accepted():
    text = base64.urlsafe_b64encode(SECRET_B).decode().rstrip("=")
    assert parse_keyring(f"k:{text}").active.secret == SECRET_B


def test_secret_never_appears_in_repr():
    keyring = parse_keyring(f"k:{b64(SECRET_A)}")
    assert b64(SECRET_A) not in repr(keyring) and repr(SECRET_A) not in repr(keyring)


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "k",
        f"k:{b64(bytes(16))}",  # too short for HMAC-SHA256
        "k:not*base64",
        f"bad id:{b64(SECRET_A)}",
        f"k:{b64(SECRET_A)},k:{b64(SECRET_B)}",
    ],
)
def test_bad_specs_are_refused_without_echoing_secrets(spec):
    with pytest.raises(KeyringError) as error:
        parse_keyring(spec)
    assert b64(SECRET_A) not in str(error.value)


def test_load_from_environment_variable():
    assert load_keyring({"FACEGATE_KEYRING": f"k1:{b64(SECRET_A)}"}).active.key_id == "k1"


def test_load_from_private_file_only(tmp_path):
    path = tmp_path / "keyring"
    path.write_text(f"k2:{b64(SECRET_A)}\n")
    os.chmod(path, 0o600)
    assert load_keyring({"FACEGATE_KEYRING_FILE": str(path)}).active.key_id == "k2"
    os.chmod(path, 0o644)
    with pytest.raises(KeyringError, match="chmod 600"):
        load_keyring({"FACEGATE_KEYRING_FILE": str(path)})


def test_no_source_is_an_error():
    with pytest.raises(KeyringError):
        load_keyring({})
