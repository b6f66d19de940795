import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from facegate.gateway.cli import _parser, gateway_config, main
from facegate.gateway.config import CaptureSettings, Https


def test_the_command_line_makes_the_gateway_config(monkeypatch):
    monkeypatch.delenv("FACEGATE_API_KEY", raising=False)
    args = _parser().parse_args(["--server", "a:8001", "--server", "b:8001", "--port", "9000", "--demo-actions",
                                 "blink,turn_left", "--https-cert-file", "c.pem", "--https-key-file", "k.pem"])
    config = gateway_config(args)
    assert (config.servers, config.port, config.demo_actions) == (("a:8001", "b:8001"), 9000, ("blink", "turn_left"))
    assert config.https == Https(Path("c.pem"), Path("k.pem")) and config.client.api_key is None


def test_https_needs_both_files(capsys):
    assert main(["--https-cert-file", "c.pem"]) == 1
    assert "needs both" in capsys.readouterr().err


def test_unknown_demo_actions_are_refused():
    with pytest.raises(SystemExit):
        _parser().parse_args(["--demo-actions", "blink,nod"])


def test_verifications_in_flight_default_to_the_config_and_must_be_positive(capsys):
    assert gateway_config(_parser().parse_args([])).max_verifications_in_flight == 8
    assert gateway_config(_parser().parse_args(["--max-verifications-in-flight", "2"])).max_verifications_in_flight == 2
    assert main(["--max-verifications-in-flight", "0"]) == 1
    assert "at least 1" in capsys.readouterr().err


def test_the_capture_mode_is_frames_unless_video_is_asked_for():
    assert gateway_config(_parser().parse_args([])).capture.mode == "frames"
    assert gateway_config(_parser().parse_args(["--capture-mode", "video"])).capture.mode == "video"
    with pytest.raises(SystemExit):
        _parser().parse_args(["--capture-mode", "gif"])
    with pytest.raises(ValueError):
        CaptureSettings(mode="gif")


def test_the_gateway_cannot_be_dumped_once_serving():
    """It holds uploads in memory: by the time uvicorn serves, no core file and no dump (in a child
    process: the setting cannot be undone)."""
    code = textwrap.dedent("""
        import ctypes, resource, uvicorn
        from facegate.gateway import cli
        uvicorn.run = lambda *args, **kwargs: print(resource.getrlimit(resource.RLIMIT_CORE),
                                                    ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))  # PR_GET_DUMPABLE
        cli.main(["--server", "127.0.0.1:1"])
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["(0,", "0)", "0"]
