import pytest

from facegate.server.keyring_cli import main
from facegate.server.keyring_file import new_keyring, remove_key, rotate_keyring
from python_backends.decision.keyring import KeyringError, read_keyring_file


def test_new_writes_a_private_keyring_with_one_fresh_key_and_never_overwrites(tmp_path):
    path = tmp_path / "etc" / "keyring"
    key = new_keyring(path)
    assert path.stat().st_mode & 0o777 == 0o600 and path.parent.stat().st_mode & 0o777 == 0o700
    assert read_keyring_file(path).keys == (key,) and len(key.secret) == 32
    assert new_keyring(tmp_path / "other").secret != key.secret
    with pytest.raises(KeyringError, match="exists"):
        new_keyring(path)
    assert read_keyring_file(path).keys == (key,)


def test_rotate_signs_with_a_new_key_and_keeps_the_previous_ones_until_removed(tmp_path):
    path = tmp_path / "keyring"
    first = new_keyring(path)
    second = rotate_keyring(path)
    third = rotate_keyring(path)
    assert read_keyring_file(path).keys == (third, second, first)
    assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(KeyringError, match="signing key"):
        remove_key(path, third.key_id)
    remove_key(path, first.key_id)
    assert read_keyring_file(path).keys == (third, second)
    assert list(tmp_path.iterdir()) == [path], "no partial file left behind"


def test_the_command_refuses_a_readable_keyring_and_never_prints_secrets(tmp_path, capsys):
    path = tmp_path / "keyring"
    assert main(["new", str(path)]) == 0
    key = read_keyring_file(path).active
    assert main(["rotate", str(path)]) == 0
    out = capsys.readouterr().out
    assert key.key_id in out and key.spec().split(":")[1] not in out
    path.chmod(0o644)
    assert main(["rotate", str(path)]) == 1
    assert "chmod 600" in capsys.readouterr().err
