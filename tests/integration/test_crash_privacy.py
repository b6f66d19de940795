"""Request images never sit in a file another local user could read: during a request, and after
kill -9 of tritonserver, of a model process, or of the launcher (followed by a restart), and after a
model process crashes where core files are allowed.

The Python backend carries tensors through /dev/shm regions it makes 0644; tritonserver runs in
a private mount namespace with its own 0700 tmpfs there (facegate/server/private_namespace.py).
The tests find the request's bytes in that private tmpfs while the server runs (so the scan does
see them), and nowhere a local user can look: the host's /dev/shm, the temp directory.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import pytest

from facegate import testdata
from facegate.server import RunningServer, running_server
from facegate.server.process_group import live_members
from facegate.server.watchdog import STUB_NAME
from facegate_client import FacegateClient, ModelsClient
from tests.integration.file_scan import files_changed_since
from tests.integration.server_fixture import DETECT_MODELS, local_config, partial_repository
from tests.integration.small_clip import small_clip

pytestmark = pytest.mark.integration

HOST_ROOTS = (Path("/dev/shm"), Path(tempfile.gettempdir()))
GONE_WITHIN_S = 10.0


@pytest.fixture(scope="module")
def images() -> list[bytes]:
    return [testdata.encode(frame) for frame in testdata.video_frames("single_face_video", step=5, limit=6)]


def _fragments(images: list[bytes]) -> list[bytes]:
    return [blob[len(blob) // 2: len(blob) // 2 + 32] for blob in images]


def holding(roots: tuple[Path, ...], images: list[bytes], since: float = 0.0) -> list[Path]:
    """Files under `roots` (changed since `since`) that hold a piece of one of the images."""
    return _holding(files_changed_since(roots, since), images)


def _holding(paths: list[Path], images: list[bytes]) -> list[Path]:
    fragments = _fragments(images)
    found = []
    for path in paths:
        with contextlib.suppress(OSError):  # removed since, or not ours to read
            if any(fragment in path.read_bytes() for fragment in fragments):
                found.append(path)
    return found


def core_files_holding(server_pid: int, images: list[bytes], since: float) -> list[Path]:
    """Files where the kernel writes core files (the server's working directory; the folder of an
    absolute core_pattern), changed since `since`, that hold a piece of one of the images."""
    folders = [Path(os.readlink(f"/proc/{server_pid}/cwd"))]
    pattern = Path("/proc/sys/kernel/core_pattern").read_text().strip()
    if pattern.startswith("/"):
        folders.append(Path(pattern).parent)
    paths = [path for folder in folders if folder.is_dir() for path in folder.iterdir()
             if path.is_file() and path.stat().st_mtime >= since]
    return _holding(paths, images)


def core_limits(server_pid: int) -> set[str]:
    """The core file size limits (soft and hard) of the server and its model processes."""
    limits = set()
    for pid in live_members(server_pid):
        with contextlib.suppress(OSError):
            line = next(line for line in Path(f"/proc/{pid}/limits").read_text().splitlines()
                        if line.startswith("Max core file size"))
            limits.update(line.split()[4:6])
    return limits


@pytest.fixture
def core_files_allowed() -> Iterator[None]:
    """The launcher may write core files up to its hard limit (`ulimit -c unlimited` in the shell that
    starts `facegate serve`): the server must stop its own dumps."""
    before = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (before[1], before[1]))
    yield
    resource.setrlimit(resource.RLIMIT_CORE, before)


def private_shm(server_pid: int) -> Path:
    """The server's /dev/shm, as seen from its own mount namespace."""
    return Path(f"/proc/{server_pid}/root/dev/shm")


def _detect(url: str, images: list[bytes]) -> None:
    with ModelsClient(url) as models:
        assert [len(faces) for faces in models.detect(images)] == [1] * len(images)


@contextlib.contextmanager
def detect_server(root: Path) -> Iterator[RunningServer]:
    with running_server(local_config(partial_repository(root, DETECT_MODELS), log_verbose=0)) as server:
        yield server


def _stub_pid(server_pid: int, instance: str) -> tuple[int, str]:
    """(pid, shared-memory region) of a model instance's stub."""
    for pid in live_members(server_pid):
        with contextlib.suppress(OSError):
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            if argv[0].endswith(STUB_NAME) and argv[8].decode() == instance:
                return pid, argv[2].decode()
    raise LookupError(instance)


def _wait_until(condition, timeout_s: float) -> float:
    """Seconds until `condition()` held; fails the test after `timeout_s`."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout_s, "timed out"
        time.sleep(0.1)
    return time.monotonic() - started


def test_verify_inputs_stay_in_the_servers_private_shared_memory(triton_server):
    """Scans the host's /dev/shm and temp directory while a verify runs and after it."""
    started = time.time()
    id_photo, frames = small_clip()
    images = [id_photo, *frames]
    with FacegateClient([triton_server.grpc_url]) as client, ThreadPoolExecutor(1) as pool:
        answer = pool.submit(lambda: client.verify(id_photo, frames, client.challenge(mirrored=False).token))
        while not answer.done():
            assert holding(HOST_ROOTS, images, since=started) == []
        assert answer.result().decision is not None
    private = private_shm(triton_server.pid)
    assert holding((private,), images), "the scan must find the images where Triton put them"
    assert private.stat().st_mode & 0o777 == 0o700
    assert private.stat().st_dev != Path("/dev/shm").stat().st_dev, "a tmpfs of its own, not the host's /dev/shm"
    assert not list(Path("/dev/shm").glob(f"facegate_{os.getpid()}_*"))
    assert triton_server.workdir.stat().st_mode & 0o777 == 0o700
    assert (triton_server.workdir / "heals.json").stat().st_mode & 0o777 == 0o600
    assert holding(HOST_ROOTS + (triton_server.workdir,), images, since=started) == []


def test_after_tritonserver_is_killed_no_file_holds_request_bytes(tmp_path, images):
    started = time.time()
    with detect_server(tmp_path) as server:
        _detect(server.grpc_url, images)
        assert holding((private_shm(server.pid),), images)
        os.kill(server.pid, signal.SIGKILL)
        server.wait()  # what `facegate serve` does: it notices, stops the rest and exits
    assert live_members(server.pid) == []
    assert not server.workdir.exists()
    assert holding(HOST_ROOTS, images, since=started) == []


@pytest.mark.parametrize("kill", [signal.SIGKILL, signal.SIGSEGV], ids=["killed", "crashed"])
def test_a_killed_model_process_leaves_no_region_and_is_replaced(tmp_path, images, kill, core_files_allowed):
    """A crash (SIGSEGV) would dump the process's memory, the images with it, where core files are allowed
    (measured: a 117 MB core file in the server's working directory holding the ID photo and 9 of 16 frames)."""
    started = time.time()
    with detect_server(tmp_path) as server:
        assert core_limits(server.pid) == {"0"}
        _detect(server.grpc_url, images)
        pid, region = _stub_pid(server.pid, "detect_preprocess_0_0")
        content = (private_shm(server.pid) / region).read_bytes()
        assert any(fragment in content for fragment in _fragments(images)), "the stub's region held the images"
        os.kill(pid, kill)
        _wait_until(lambda: server.watchdog.heals, 15)
        assert server.watchdog.heals[0].error is None
        assert not (private_shm(server.pid) / region).exists()
        _detect(server.grpc_url, images)
        assert core_files_holding(server.pid, images, since=started) == []
        assert holding(HOST_ROOTS, images, since=started) == []


def test_a_killed_launcher_takes_the_server_with_it_and_the_next_start_sweeps(tmp_path, images):
    started = time.time()
    config = local_config(partial_repository(tmp_path, DETECT_MODELS))
    launcher = subprocess.Popen(
        [sys.executable, "-m", "facegate.server.cli", "--model-repository", str(config.model_repository),
         "--address", "127.0.0.1", "--grpc-port", str(config.grpc_port), "--http-port", str(config.http_port),
         "--metrics-port", str(config.metrics_port)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        ready = re.search(r"ready pid=(\d+) .* workdir=(\S+)", launcher.stdout.readline())
        assert ready, "facegate serve did not report ready"
        server_pid, workdir = int(ready.group(1)), Path(ready.group(2))
        _detect(config.grpc_url, images)
        assert holding((private_shm(server_pid),), images)
        launcher.kill()
        launcher.wait()
        gone_s = _wait_until(lambda: not live_members(server_pid), GONE_WITHIN_S)
        print(f"server and model processes gone {gone_s:.1f} s after the launcher was killed")
    finally:
        launcher.kill()
        launcher.wait()
    assert workdir.exists(), "left behind by the killed launcher"
    (tmp_path / "next").mkdir()
    with detect_server(tmp_path / "next"):
        assert not workdir.exists(), "the next start removed it before serving"
    assert holding(HOST_ROOTS, images, since=started) == []
