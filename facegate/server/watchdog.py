"""Healing a model whose process died.

Triton 2.51 does not replace a Python backend stub that was killed: every request routed to the
dead instance fails ("Stub process ... is not healthy") while the model and the server still say
READY. So the launcher watches the stubs (each runs `triton_python_backend_stub` with its instance
name, e.g. `verify_0_1`, in its arguments) and when one it saw is gone while its model is still
READY, reloads that model through model control: unload, then load (a load of an unchanged model
does nothing). A model an operator unloaded is not READY: it is left alone. While it reloads, the
model is not ready and, Triton's readiness being strict, neither is the server.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ClassVar

from facegate.server.poller import Poller
from facegate.server.process_group import live_members
from facegate.server.readiness import HttpProbe
from python_backends.config_parameters import RELOAD_GENERATION
from python_backends.verify.reload_metrics import DIED

STUB_NAME = b"triton_python_backend_stub"
INSTANCE_ARGUMENT = 8
"""Where the stub's argv names its model instance (python_backend's stub_launcher.cc)."""
POLL_S = 1.0
RELOAD_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Heal:
    model: str
    dead_instances: tuple[str, ...]
    seconds: float
    error: str | None = None
    """Why the reload failed (it is tried again at the next poll); None when the model is back."""
    reason: ClassVar[str] = DIED
    """The `reason` label it is counted under."""

    def describe(self) -> str:
        what = f"reloaded in {self.seconds:.1f} s" if self.error is None else f"reload failed: {self.error}"
        return f"model '{self.model}': process of {', '.join(self.dead_instances)} died; {what}"


def stub_processes(pgid: int) -> dict[int, str]:
    """pid -> instance name of the live Python backend stubs in the server's process group (while a model
    reloads, an instance name can have two)."""
    stubs = {}
    for pid in live_members(pgid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                argv = cmdline.read().split(b"\0")
        except OSError:
            continue  # exited while we looked
        if argv[0].endswith(STUB_NAME) and len(argv) > INSTANCE_ARGUMENT:
            stubs[pid] = argv[INSTANCE_ARGUMENT].decode()
    return stubs


def timed(action: Callable[[], None], clock: Callable[[], float] = time.monotonic) -> tuple[float, str | None]:
    """Runs a model-control call: its seconds, and why it failed (None when it did not)."""
    started = clock()
    try:
        action()
    except OSError as failure:
        return clock() - started, str(failure)
    return clock() - started, None


def running_instances(pgid: int) -> set[str]:
    """Instance names of the live Python backend stubs in the server's process group."""
    return set(stub_processes(pgid).values())


def model_of(instance: str) -> str:
    """`detect_preprocess_0_1` -> `detect_preprocess` (Triton names instances <model>_<group>_<index>)."""
    return instance.rsplit("_", 2)[0]


class ModelControl(HttpProbe):
    """Model control for the launcher's watchers; one reload at a time (the watchdog's and the recycler's)."""

    def __init__(self, http_url: str, headers: dict[str, str]) -> None:
        super().__init__(http_url, headers)
        self._lock = threading.Lock()
        self._generation = 0

    def reload(self, model: str) -> None:
        """Unload, then load from the repository: for a model whose process died (it stops serving meanwhile)."""
        with self._lock:
            for action in ("unload", "load"):
                self._post(f"/repository/models/{model}/{action}", {})

    def renew(self, model: str) -> None:
        """Load the model again with fresh processes while the old ones keep serving until the new are
        ready: a load whose config override changes only RELOAD_GENERATION (an unchanged config loads nothing)."""
        with self._lock:
            status, body = self._call(f"/models/{model}/config")
            if status != 200:
                raise OSError(f"config answered HTTP {status}: {body[:200]!r}")
            config = json.loads(body)
            self._generation += 1
            config.setdefault("parameters", {})[RELOAD_GENERATION] = {"string_value": str(self._generation)}
            self._post(f"/repository/models/{model}/load", {"parameters": {"config": json.dumps(config)}})

    def _post(self, path: str, request: dict) -> None:
        status, body = self._call(path, json.dumps(request).encode(), RELOAD_TIMEOUT_S)
        if status != 200:
            raise OSError(f"{path.rsplit('/', 1)[-1]} answered HTTP {status}: {body[:200]!r}")


class HealCounts:
    """Reloads per model and reason, in a private JSON file the `verify` model publishes as a metric."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._counts: dict[str, dict[str, int]] = {}
        self._lock = threading.Lock()
        self._write()

    def add(self, model: str, reason: str = DIED) -> None:
        with self._lock:
            reasons = self._counts.setdefault(model, {})
            reasons[reason] = reasons.get(reason, 0) + 1
            self._write()

    def _write(self) -> None:
        partial = self.path.with_suffix(".partial")
        with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
            json.dump(self._counts, file)
        partial.replace(self.path)


class Watchdog(Poller):
    """A thread that reloads every model one of whose stubs died, until `stop()` or the server exits."""

    def __init__(self, server: subprocess.Popen, control: ModelControl, on_heal: Callable[[Heal], None],
                 poll_s: float = POLL_S) -> None:
        super().__init__("model-watchdog", poll_s)
        self._server = server
        self._control = control
        self._on_heal = on_heal
        self._expected = running_instances(server.pid)
        self._last_seen = self._expected
        self.heals: list[Heal] = []
        """Every reload tried, in order."""

    def poll(self) -> bool:
        running = running_instances(self._server.pid)
        dead = self._expected - running
        # Instances an operator's reload added, once seen on two looks in a row: a stub that lives for one
        # look only (a model being loaded) is no instance whose death needs healing.
        self._expected |= running & self._last_seen
        self._last_seen = running
        if not dead:
            return True
        try:
            ready = {state.name for state in self._control.repository_states() if state.state == "READY"}
        except OSError:
            return True  # the server is stopping, or busy: look again at the next poll
        for model in sorted({model_of(instance) for instance in dead}):
            if self._stopped.is_set() or self._server.poll() is not None:
                return False
            if model in ready:
                self._heal(model, tuple(sorted(i for i in dead if model_of(i) == model)))
            # Watched from now on: what runs of it (none when an operator unloaded it).
            self._expected = {i for i in self._expected if model_of(i) != model} | {
                i for i in running_instances(self._server.pid) if model_of(i) == model}
        return True

    def _heal(self, model: str, dead_instances: tuple[str, ...]) -> None:
        heal = Heal(model, dead_instances, *timed(lambda: self._control.reload(model)))
        self.heals.append(heal)
        self._on_heal(heal)
