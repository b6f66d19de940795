"""The README's serve example, run as written (in a shell, from the repository root, a fresh HOME);
only its ports are swapped for free ones, since other servers may hold 8000-8002."""

from __future__ import annotations

import os
import re
import signal
import subprocess

import pytest

from facegate.paths import REPO_ROOT
from facegate.server.ports import free_ports

pytestmark = pytest.mark.integration

STARTUP_S = 300


def serving_commands() -> list[str]:
    readme = (REPO_ROOT / "README.md").read_text()
    block = re.search(r"## Serving\n\n```\n(.*?)```", readme, re.S).group(1)
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


def test_the_readme_serve_example_works_on_a_fresh_checkout(tmp_path):
    keyring_command, serve_command = serving_commands()
    ports = dict(zip(("8001", "8000", "8002"), map(str, free_ports(3))))
    serve_command = re.sub(r"--(grpc|http|metrics)-port (800[012])",
                           lambda m: f"--{m.group(1)}-port {ports[m.group(2)]}", serve_command)
    environment = {**os.environ, "HOME": str(tmp_path)}
    subprocess.run(["bash", "-c", keyring_command], cwd=REPO_ROOT, env=environment, check=True)
    assert (tmp_path / ".config/facegate/keyring").stat().st_mode & 0o777 == 0o600
    server = subprocess.Popen(["bash", "-c", f"exec {serve_command}"], cwd=REPO_ROOT, env=environment,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert "facegate serve: ready" in server.stdout.readline()
        health = subprocess.run([str(REPO_ROOT / ".venv/bin/facegate"), "health", "--server",
                                 f"127.0.0.1:{ports['8001']}"], capture_output=True, text=True, timeout=60)
        assert health.returncode == 0, health.stdout + health.stderr
        challenge = subprocess.run([str(REPO_ROOT / ".venv/bin/facegate"), "challenge", "--server",
                                    f"127.0.0.1:{ports['8001']}"], capture_output=True, text=True, timeout=60)
        assert challenge.returncode == 0 and "token" in challenge.stdout.lower(), challenge.stderr
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(STARTUP_S)
