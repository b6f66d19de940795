import base64

import pytest

from python_backends.verify.settings import ServiceSettings, SettingsError

SECRET = base64.b64encode(b"s" * 32).decode()


def test_everything_from_the_environment(tmp_path):
    settings = ServiceSettings.from_environ(
        {"FACEGATE_KEYRING": f"k1:{SECRET}", "FACEGATE_STATE_DIR": str(tmp_path),
         "FACEGATE_ALLOW_REQUESTED_ACTIONS": "1", "FACEGATE_ALLOW_EMBEDDINGS": "0"}, need_state_dir=True)
    assert settings.keyring.active.key_id == "k1"
    assert settings.state_dir == tmp_path
    assert settings.allow_requested_actions and not settings.allow_embeddings


def test_demo_and_embedding_switches_are_off_by_default():
    settings = ServiceSettings.from_environ({"FACEGATE_KEYRING": f"k1:{SECRET}"})
    assert not settings.allow_requested_actions and not settings.allow_embeddings and settings.state_dir is None


def test_no_keyring_is_a_clear_error_without_secrets():
    with pytest.raises(SettingsError, match="FACEGATE_KEYRING"):
        ServiceSettings.from_environ({})
    with pytest.raises(SettingsError) as error:
        ServiceSettings.from_environ({"FACEGATE_KEYRING": "k1:c2hvcnQ="})
    assert "c2hvcnQ" not in str(error.value)


def test_verify_needs_a_state_dir():
    with pytest.raises(SettingsError, match="FACEGATE_STATE_DIR"):
        ServiceSettings.from_environ({"FACEGATE_KEYRING": f"k1:{SECRET}"}, need_state_dir=True)


def test_a_misspelt_switch_is_refused():
    with pytest.raises(SettingsError, match="FACEGATE_ALLOW_EMBEDDINGS"):
        ServiceSettings.from_environ({"FACEGATE_KEYRING": f"k1:{SECRET}", "FACEGATE_ALLOW_EMBEDDINGS": "sure"})
