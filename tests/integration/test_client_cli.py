"""`facegate challenge | verify | health` against the real server, as subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from facegate import testdata
from facegate.server.ports import free_ports

pytestmark = pytest.mark.integration


def facegate(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "facegate.cli", *argv], capture_output=True, text=True, timeout=120)


def test_verify_prints_the_result_as_json_and_exits_0_whatever_the_decision(triton_server, tmp_path):
    frames = [testdata.encode(frame) for frame in testdata.video_frames("single_face_video", step=9, limit=72)]
    (tmp_path / "id.jpg").write_bytes(testdata.read("single_face"))
    paths = []
    for index, frame in enumerate(frames):
        paths.append(tmp_path / f"{index}.jpg")
        paths[-1].write_bytes(frame)
    run = facegate("verify", "--id-photo", str(tmp_path / "id.jpg"), "--frames", *map(str, paths),
                   "--actions", "blink,turn_left", "--request-id", "cli-1", "--json",
                   "--server", triton_server.grpc_url)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["request_id"] == "cli-1" and result["decision"] in ("ACCEPT", "RETRY", "REJECT")
    assert result["liveness"]["challenge"] == ["blink", "turn_left"]  # the requested order


def test_verify_sends_a_video_file_and_prints_lines(triton_server):
    run = facegate("verify", "--id-photo", str(testdata.path("single_face")), "--video",
                   str(testdata.path("single_face_video")), "--server", triton_server.grpc_url)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].split(": ")[1] in ("ACCEPT", "RETRY", "REJECT")
    assert "video: h264 640x360, 72 frames at 30.0 fps decoded by ffmpeg, 12 analysed" in lines  # decoded by the server
    assert lines[-1].startswith("request_id: ")


def test_verify_decode_locally_is_the_fallback(triton_server):
    run = facegate("verify", "--id-photo", str(testdata.path("single_face")), "--video",
                   str(testdata.path("single_face_video")), "--decode-locally", "--json",
                   "--server", triton_server.grpc_url)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert "video" not in result and result["quality"]["frames"] == 24  # 2.4 s at 10 frames/s, sent as frames


def test_errors_are_one_line_with_exit_status_1(triton_server, tmp_path):
    photo = tmp_path / "id.gif"
    photo.write_bytes(b"GIF89a")
    frames = [str(testdata.path("single_face"))] * 8
    run = facegate("verify", "--id-photo", str(photo), "--frames", *frames, "--server", triton_server.grpc_url)
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == "facegate verify: InvalidInput: id_photo: not a JPEG, PNG or BMP image\n"
    run = facegate("challenge", "--actions", "blink,blink", "--server", triton_server.grpc_url)
    assert run.returncode == 1 and run.stderr.startswith("facegate challenge: InvalidInput: REQUEST:")
    assert run.stderr.count("\n") == 1


def test_challenge_and_health(triton_server):
    run = facegate("challenge", "--mirrored", "--json", "--server", triton_server.grpc_url)
    assert run.returncode == 0 and json.loads(run.stdout)["mirrored"] is True
    assert facegate("health", "--server", triton_server.grpc_url).returncode == 0
    dead = f"127.0.0.1:{free_ports(1)[0]}"
    run = facegate("health", "--server", triton_server.grpc_url, "--server", dead)
    assert run.returncode == 1 and f"{dead}: NOT READY" in run.stdout
