import signal
import subprocess
import time

import pytest

from facegate.server import launcher
from facegate.server.config import Device, ServerConfig
from facegate.server.config import OPERATOR_PROTOCOLS, ApiKey
from facegate.server.launcher import ServerStartError, running_server, stop, with_operator_key
from facegate.server.process_group import live_members


def test_stop_ends_the_process_and_everything_in_its_group():
    process = subprocess.Popen(["sh", "-c", "sleep 60 & sleep 60 & wait"], start_new_session=True)
    time.sleep(0.3)
    assert len(live_members(process.pid)) == 3
    assert stop(process) == -signal.SIGTERM
    assert live_members(process.pid) == []


def test_stop_kills_a_process_that_ignores_sigterm():
    process = subprocess.Popen(["sh", "-c", "trap '' TERM; sleep 60 & wait"], start_new_session=True)
    time.sleep(0.3)
    started = time.monotonic()
    assert stop(process, grace_s=0.5) == -signal.SIGKILL
    assert time.monotonic() - started < 5


def test_missing_repository_is_refused_before_anything_starts(tmp_path):
    with pytest.raises(ServerStartError, match="is not a directory"):
        with running_server(ServerConfig(model_repository=tmp_path / "nowhere")):
            pass


def test_gpu_mode_without_a_visible_gpu_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(launcher, "visible_gpu_count", lambda: 0)
    with pytest.raises(ServerStartError, match="no GPU is visible"):
        with running_server(ServerConfig(model_repository=tmp_path, device=Device.GPU)):
            pass


def test_a_carrier_key_alone_locks_the_operator_calls_behind_a_random_key():
    carrier = ApiKey("x-facegate-api-key", "c" * 16)
    locked = with_operator_key(ServerConfig(api_key=carrier))
    assert locked.operator_key.header == "x-facegate-operator-key"
    assert locked.operator_key.value != with_operator_key(ServerConfig(api_key=carrier)).operator_key.value
    assert locked.operator_protocols == OPERATOR_PROTOCOLS


def test_without_any_key_model_control_is_still_locked():
    keyless = with_operator_key(ServerConfig())
    assert keyless.operator_key is not None and keyless.operator_protocols == ("model-repository",)
    given = ApiKey("x-op", "o" * 16)
    assert with_operator_key(ServerConfig(api_key=ApiKey("x-facegate-api-key", "c" * 16), operator_key=given)).operator_key == given
