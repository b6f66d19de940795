import base64

import pytest

from python_backends.decision import AttemptPolicy, StoreLocation
from python_backends.verify.settings import ServiceSettings, SettingsError

SECRET = base64.b64encode(b"s" * 32).decode()


def test_everything_from_the_environment(tmp_path):
    settings = ServiceSettings.from_environ(
        {"FACEGATE_KEYRING": f"k1:{SECRET}", "FACEGATE_STATE_DIR": str(tmp_path),
         "FACEGATE_ALLOW_REQUESTED_ACTIONS": "1", "FACEGATE_ALLOW_EMBEDDINGS": "0", "FACEGATE_DECISION_ONLY": "1",
         "FACEGATE_ATTEMPT_LIMIT": "3", "FACEGATE_ATTEMPT_WINDOW_S": "60", "FACEGATE_LOCKOUT_S": "10"})
    assert settings.keyring.active.key_id == "k1"
    assert settings.token_store == StoreLocation(state_dir=tmp_path)
    assert settings.allow_requested_actions and not settings.allow_embeddings and settings.decision_only
    assert settings.attempts == AttemptPolicy(3, 60, 10)


def test_a_redis_url_is_the_token_store(tmp_path):
    settings = ServiceSettings.from_environ(
        {"FACEGATE_KEYRING": f"k1:{SECRET}", "FACEGATE_TOKEN_STORE": "rediss://u:pw@redis.example:6380/2",
         "FACEGATE_TOKEN_STORE_CA_FILE": str(tmp_path / "ca.pem"), "FACEGATE_STATE_DIR": str(tmp_path),
         "FACEGATE_TOKEN_STORE_REPLICAS": "1"})
    assert settings.token_store.shared and settings.token_store.ca_file == tmp_path / "ca.pem"
    assert settings.token_store.replicas == 1
    assert settings.token_store.describe() == "rediss://redis.example:6380/2"  # no credentials


def test_a_bad_token_store_url_is_refused_without_echoing_it():
    with pytest.raises(SettingsError) as error:
        ServiceSettings.from_environ({"FACEGATE_KEYRING": f"k1:{SECRET}", "FACEGATE_TOKEN_STORE": "http://u:pw@h/"})
    assert "pw" not in str(error.value)


def test_switches_and_limits_have_their_defaults(tmp_path):
    settings = ServiceSettings.from_environ({"FACEGATE_KEYRING": f"k1:{SECRET}", "FACEGATE_STATE_DIR": str(tmp_path)})
    assert not settings.allow_requested_actions and not settings.allow_embeddings and not settings.decision_only
    assert settings.attempts == AttemptPolicy(5, 180, 1800)


def test_no_keyring_is_a_clear_error_without_secrets():
    with pytest.raises(SettingsError, match="FACEGATE_KEYRING"):
        ServiceSettings.from_environ({})
    with pytest.raises(SettingsError) as error:
        ServiceSettings.from_environ({"FACEGATE_KEYRING": "k1:c2hvcnQ="})
    assert "c2hvcnQ" not in str(error.value)


def test_the_models_need_a_token_store():
    with pytest.raises(SettingsError, match="FACEGATE_STATE_DIR"):
        ServiceSettings.from_environ({"FACEGATE_KEYRING": f"k1:{SECRET}"})


def test_a_misspelt_switch_is_refused(tmp_path):
    with pytest.raises(SettingsError, match="FACEGATE_ALLOW_EMBEDDINGS"):
        ServiceSettings.from_environ({"FACEGATE_KEYRING": f"k1:{SECRET}", "FACEGATE_ALLOW_EMBEDDINGS": "sure",
                                      "FACEGATE_STATE_DIR": str(tmp_path)})
