from pathlib import Path

from facegate.server.config import ServerConfig
from facegate.server.service_environment import service_environment


def test_keyring_file_replaces_an_inherited_keyring_and_switches_are_explicit(tmp_path):
    config = ServerConfig(keyring_file=tmp_path / "keyring", allow_requested_actions=True)
    environment = service_environment({"FACEGATE_KEYRING": "old:secret", "PATH": "/bin"}, config, tmp_path / "state",
                                      tmp_path / "heals.json")
    assert "FACEGATE_KEYRING" not in environment and environment["PATH"] == "/bin"
    assert environment["FACEGATE_KEYRING_FILE"] == str(tmp_path / "keyring")
    assert environment["FACEGATE_STATE_DIR"] == str(tmp_path / "state")
    assert environment["FACEGATE_ALLOW_REQUESTED_ACTIONS"] == "1" and environment["FACEGATE_ALLOW_EMBEDDINGS"] == "0"


def test_without_a_keyring_file_the_inherited_keyring_stays():
    environment = service_environment({"FACEGATE_KEYRING": "k1:secret"}, ServerConfig(), Path("/tmp/s"), Path("/tmp/h"))
    assert environment["FACEGATE_KEYRING"] == "k1:secret" and "FACEGATE_KEYRING_FILE" not in environment
