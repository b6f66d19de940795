from pathlib import Path

from facegate.server.config import ServerConfig
from facegate.server.verify_environment import verify_environment
from python_backends.decision import AttemptPolicy


def test_keyring_file_replaces_an_inherited_keyring_and_switches_are_explicit(tmp_path):
    config = ServerConfig(keyring_file=tmp_path / "keyring", allow_requested_actions=True)
    environment = verify_environment({"FACEGATE_KEYRING": "old:secret", "PATH": "/bin"}, config, tmp_path / "state",
                                     tmp_path / "heals.json",
                                     tmp_path / "unanswered.json")
    assert "FACEGATE_KEYRING" not in environment and environment["PATH"] == "/bin"
    assert environment["FACEGATE_KEYRING_FILE"] == str(tmp_path / "keyring")
    assert environment["FACEGATE_STATE_DIR"] == str(tmp_path / "state")
    assert environment["FACEGATE_UNANSWERED_FILE"] == str(tmp_path / "unanswered.json")
    assert environment["FACEGATE_ALLOW_REQUESTED_ACTIONS"] == "1" and environment["FACEGATE_ALLOW_EMBEDDINGS"] == "0"


def test_without_a_keyring_file_the_inherited_keyring_stays():
    environment = verify_environment({"FACEGATE_KEYRING": "k1:secret"}, ServerConfig(), Path("/tmp/s"), Path("/tmp/h"),
                                     Path("/tmp/u"))
    assert environment["FACEGATE_KEYRING"] == "k1:secret" and "FACEGATE_KEYRING_FILE" not in environment


def test_the_configured_token_store_and_limits_replace_inherited_ones(tmp_path):
    inherited = {"FACEGATE_TOKEN_STORE": "redis://old:6379/0", "FACEGATE_TOKEN_STORE_CA_FILE": "/old/ca.pem"}
    environment = verify_environment(inherited, ServerConfig(attempts=AttemptPolicy(3, 60, 10)), tmp_path,
                                     tmp_path / "heals.json",
                                     tmp_path / "unanswered.json")
    assert "FACEGATE_TOKEN_STORE" not in environment and "FACEGATE_TOKEN_STORE_CA_FILE" not in environment
    assert (environment["FACEGATE_ATTEMPT_LIMIT"], environment["FACEGATE_ATTEMPT_WINDOW_S"],
            environment["FACEGATE_LOCKOUT_S"], environment["FACEGATE_DECISION_ONLY"]) == ("3", "60", "10", "0")
    config = ServerConfig(token_store="rediss://:pw@redis:6380/1", token_store_ca_file=tmp_path / "ca.pem",
                          decision_only=True)
    environment = verify_environment({}, config, tmp_path, tmp_path / "heals.json",
                                     tmp_path / "unanswered.json")
    assert environment["FACEGATE_TOKEN_STORE"] == "rediss://:pw@redis:6380/1"
    assert environment["FACEGATE_TOKEN_STORE_CA_FILE"] == str(tmp_path / "ca.pem")
    assert environment["FACEGATE_DECISION_ONLY"] == "1"
    assert "pw" not in repr(config)
