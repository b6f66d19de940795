"""What a carrier's engineer does: `pip install ./client` into an empty virtual environment, then the
README's five-line example and the command line against the running server, from that environment."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from facegate.paths import REPO_ROOT
from tests.integration import video_clips

pytestmark = pytest.mark.integration

CLIENT = REPO_ROOT / "client"


def readme_example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", (CLIENT / "README.md").read_text(), re.S)
    example = blocks[0]
    assert len(example.strip().splitlines()) <= 6 and "127.0.0.1:8001" in example
    return example


@pytest.fixture(scope="module")
def client_venv(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("carrier")
    source = root / "client"
    shutil.copytree(CLIENT, source, ignore=shutil.ignore_patterns("*.egg-info", "build", "__pycache__"))
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True, timeout=120)
    pip = [str(root / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, str(source)], check=True, timeout=600, capture_output=True)
    return root / "venv"


def test_the_client_installs_light(client_venv):
    listed = subprocess.run([str(client_venv / "bin" / "python"), "-m", "pip", "list", "--format=freeze"],
                            check=True, capture_output=True, text=True).stdout.lower().replace("_", "-")
    names = {line.split("==")[0] for line in listed.splitlines()}
    assert {"facegate-client", "tritonclient", "grpcio", "numpy"} <= names
    assert not [name for name in names if name.startswith(("nvidia-dali", "onnxruntime", "nvidia-pytriton"))]
    assert "facegate" not in names
    probe = "import facegate_client, importlib.util as u; print(u.find_spec('nvidia'), u.find_spec('onnxruntime'))"
    assert subprocess.run([str(client_venv / "bin" / "python"), "-c", probe], check=True, capture_output=True,
                          text=True).stdout.split() == ["None", "None"]


def test_the_readme_example_verifies_against_the_server(client_venv, triton_server, tmp_path):
    (tmp_path / "id.jpg").write_bytes(video_clips.id_photo())
    (tmp_path / "clip.mp4").write_bytes(video_clips.genuine_clip())  # the example sends the clip as recorded
    example = readme_example().replace("127.0.0.1:8001", triton_server.grpc_url)
    run = subprocess.run([str(client_venv / "bin" / "python"), "-c", example], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split(" ", 1)[0] in ("ACCEPT", "RETRY", "REJECT")

    command = [str(client_venv / "bin" / "facegate-client")]
    health = subprocess.run([*command, "health", "--server", triton_server.grpc_url, "--json"], capture_output=True,
                            text=True, timeout=60)
    assert health.returncode == 0 and json.loads(health.stdout)["ready"] is True
