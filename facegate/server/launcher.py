"""Starting tritonserver from the wheel, waiting until it is ready, and stopping it with everything it started."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterator

from facegate.server.backend_directory import assemble_backend_directory
from facegate.server.config import (MODEL_CONTROL_PROTOCOLS, OPERATOR_KEY_HEADER, OPERATOR_PROTOCOLS, ApiKey, Device,
                                    ServerConfig, ShmIsolation, server_arguments)
from facegate.server.distribution import find_distribution
from facegate.server.error_watch import ErrorWatch
from facegate.server.private_namespace import private_child_setup
from facegate.server.process_group import kill_group
from facegate.server.readiness import ModelState, ServerStartError, wait_until_ready
from facegate.server.server_log import ServerLog
from facegate.server.shm_recycler import Renewal, ShmRecycler
from facegate.server.stale_files import remove_stale, shm_prefix, workdir_prefix
from facegate.server.triton_environment import server_environment
from facegate.server.verify_environment import verify_environment
from facegate.server.watchdog import Heal, HealCounts, ModelControl, Watchdog
from python_backends.gpus import visible_gpu_count
from python_backends.verify.unanswered_errors import UnansweredFile

STOP_GRACE_S = 60.0
"""How long a stopping server may take to drain requests and unload models before SIGKILL."""

_SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="facegate-spawner")
"""Forks every tritonserver. PR_SET_PDEATHSIG fires when the *thread* that forked the child ends, not
the process: a server started from a short-lived thread would be killed with that thread, so the
fork comes from this one idle thread, which lives as long as the launcher's process."""


def spawn(args: list[str], **popen_options) -> subprocess.Popen:
    """subprocess.Popen from the long-lived spawner thread, whichever thread asks (see _SPAWNER)."""
    return _SPAWNER.submit(subprocess.Popen, args, **popen_options).result()


@dataclass
class RunningServer:
    config: ServerConfig
    process: subprocess.Popen
    log: ServerLog
    workdir: Path
    """Private (0700) temporary directory holding the backend directory; removed when the server stops."""
    models: list[ModelState]
    watchdog: Watchdog
    """Reloads a model whose process died (see watchdog.py)."""
    recycler: ShmRecycler
    """Renews a model whose processes kept a burst's shared memory (see shm_recycler.py)."""

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def grpc_url(self) -> str:
        return self.config.grpc_url

    @property
    def http_url(self) -> str:
        return self.config.http_url

    @property
    def metrics_url(self) -> str:
        return self.config.metrics_url

    def send_signal(self, signum: int) -> None:
        """Forwards a signal; the watchdog stops first, so that models unloading on SIGTERM stay unloaded."""
        self.watchdog.stop()
        if self.process.poll() is None:
            self.process.send_signal(signum)

    def wait(self) -> int:
        return self.process.wait()


@contextlib.contextmanager
def running_server(config: ServerConfig, echo: Callable[[str], None] | None = None) -> Iterator[RunningServer]:
    """Removes what dead launchers left, starts the server (private /dev/shm, killed with this
    process), yields once every model is READY, and on exit stops it (SIGTERM, then SIGKILL to
    its whole process group) and removes its temporary directory.

    Raises ServerStartError when the server or a model fails to come up.
    """
    if not config.model_repository.is_dir():
        raise ServerStartError(f"model repository {config.model_repository} is not a directory")
    if config.device is Device.GPU and visible_gpu_count() == 0:
        raise ServerStartError("--device gpu: no GPU is visible (check the driver and CUDA_VISIBLE_DEVICES)")
    distribution = find_distribution()
    config = with_operator_key(config)
    remove_stale()
    workdir = Path(tempfile.mkdtemp(prefix=workdir_prefix()))
    process = watchdog = error_watch = recycler = None
    try:
        backend_directory = assemble_backend_directory(distribution, workdir / "backends")
        state_dir = config.state_dir or workdir / "state"
        state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        heal_counts = HealCounts(workdir / "heals.json")
        unanswered = UnansweredFile(workdir / "unanswered.json")
        unanswered.offer(0)
        try:
            process = spawn(
                [str(distribution.server_binary),
                 *server_arguments(config, backend_directory, shm_prefix(secrets.token_hex(4)))],
                env=verify_environment(server_environment(distribution, config.device, os.environ), config, state_dir,
                                       heal_counts.path, unanswered.path),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the stubs it forks are stopped with it
                preexec_fn=private_child_setup(os.getpid(), config.shm_isolation is ShmIsolation.NAMESPACE),
            )
        except subprocess.SubprocessError as error:
            raise ServerStartError(f"could not give tritonserver a private /dev/shm ({error}): run as root or "
                                   "allow unprivileged user namespaces (kernel.unprivileged_userns_clone=1)") from error
        log = ServerLog(process.stdout, echo)
        operator_headers = config.operator_key.http_headers()
        models = wait_until_ready(process, config.http_url, log, config.startup_timeout_s, operator_headers)
        control = ModelControl(config.http_url, operator_headers)
        report = _reload_reporter(heal_counts, echo)
        watchdog = Watchdog(process, control, report).start()
        recycler = ShmRecycler(process, control, report, config.shm_recycling).start()
        error_watch = ErrorWatch(config.metrics_url, unanswered).start()
        yield RunningServer(config, process, log, workdir, models, watchdog, recycler)
    finally:
        for watcher in (watchdog, recycler, error_watch):
            if watcher is not None:
                watcher.stop()
        if process is not None:
            stop(process)
        shutil.rmtree(workdir, ignore_errors=True)


def _reload_reporter(counts: HealCounts, echo: Callable[[str], None] | None) -> Callable[[Heal | Renewal], None]:
    """Counts a reload that succeeded under its reason, and echoes every one tried."""
    def report(reload: Heal | Renewal) -> None:
        if reload.error is None:
            counts.add(reload.model, reload.reason)
        if echo is not None:
            echo(f"facegate serve: {reload.describe()}\n")
    return report


def with_operator_key(config: ServerConfig) -> ServerConfig:
    """Model control is never open to callers: without an operator key, a random one only this launcher
    holds locks it, and with a carrier key every other operator call too."""
    if config.operator_key is not None:
        return config
    protocols = OPERATOR_PROTOCOLS if config.api_key else MODEL_CONTROL_PROTOCOLS
    return replace(config, operator_key=ApiKey.random(OPERATOR_KEY_HEADER), operator_protocols=protocols)


def stop(process: subprocess.Popen, grace_s: float = STOP_GRACE_S) -> int:
    """SIGTERM (Triton unloads its models and exits), SIGKILL after `grace_s`, then SIGKILL to
    whatever is left of its process group (stubs included). Returns the server's exit status."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace_s)
        except subprocess.TimeoutExpired:
            pass
    kill_group(process.pid)
    return process.wait()
