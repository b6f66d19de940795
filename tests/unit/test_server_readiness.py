import subprocess

import pytest

from facegate.server.ports import free_ports
from facegate.server.readiness import ServerStartError, wait_until_ready
from facegate.server.server_log import ServerLog


def start(script: str) -> tuple[subprocess.Popen, ServerLog]:
    process = subprocess.Popen(["sh", "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return process, ServerLog(process.stdout)


def test_a_server_that_exits_early_is_reported_with_its_status_and_log():
    process, log = start("echo 'error: address already in use'; exit 3")
    with pytest.raises(ServerStartError, match="exited with status 3") as error:
        wait_until_ready(process, f"127.0.0.1:{free_ports(1)[0]}", log, timeout_s=30)
    assert str(error.value).rstrip().endswith("error: address already in use")


def test_a_server_that_never_answers_times_out():
    process, log = start("echo starting; sleep 30")
    try:
        with pytest.raises(ServerStartError, match="not ready after 1 s") as error:
            wait_until_ready(process, f"127.0.0.1:{free_ports(1)[0]}", log, timeout_s=1)
        assert "starting" in str(error.value)
    finally:
        process.kill()
        process.wait()
