import json
import os
import signal
import subprocess
import time

from facegate.server.process_group import kill_group, live_members
from facegate.server.readiness import ModelState
from facegate.server.watchdog import Heal, HealCounts, Watchdog, model_of, running_instances
from python_backends.verify.reload_metrics import ReloadGauge


def test_instance_names_give_the_model():
    assert model_of("detect_preprocess_0_1") == "detect_preprocess"
    assert model_of("verify_0_0") == "verify"


class _Control:
    def __init__(self, unloaded: tuple[str, ...] = ()) -> None:
        self.reloaded: list[str] = []
        self.unloaded = unloaded

    def repository_states(self) -> list[ModelState]:
        return [ModelState(model, "1", "UNAVAILABLE" if model in self.unloaded else "READY", "")
                for model in ("verify", "detect_preprocess")]

    def reload(self, model: str) -> None:
        self.reloaded.append(model)


def _fake_stub_group(*instances: str) -> subprocess.Popen:
    """A process group whose members look like Python backend stubs: argv[0] the stub's name, argv[8] the instance."""
    stubs = " ".join(f"(exec -a triton_python_backend_stub sh -c 'sleep 60; :' a b c d e {name}) &" for name in instances)
    return subprocess.Popen(["bash", "-c", f"{stubs} wait"], start_new_session=True)


def _pid_of(leader: subprocess.Popen, instance: str) -> int:
    for pid in live_members(leader.pid):
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            if cmdline.read().split(b"\0")[-2:-1] == [instance.encode()]:
                return pid
    raise LookupError(instance)


def test_a_dead_stub_gets_its_model_reloaded_and_counted(tmp_path):
    leader = _fake_stub_group("verify_0_0", "verify_0_1", "detect_preprocess_0_0")
    try:
        time.sleep(0.3)
        assert running_instances(leader.pid) == {"verify_0_0", "verify_0_1", "detect_preprocess_0_0"}
        control, counts, seen = _Control(), HealCounts(tmp_path / "heals.json"), []
        watchdog = Watchdog(leader, control, lambda heal: (seen.append(heal), counts.add(heal.model)), poll_s=0.05)
        watchdog.start()
        os.kill(_pid_of(leader, "verify_0_1"), signal.SIGKILL)
        deadline = time.monotonic() + 5
        while not seen and time.monotonic() < deadline:
            time.sleep(0.05)
        watchdog.stop()
        time.sleep(0.3)
        assert control.reloaded == ["verify"]  # once: what runs after the reload is what is watched
        assert seen[0].dead_instances == ("verify_0_1",) and seen[0].error is None and watchdog.heals[0] == seen[0]
        assert json.loads((tmp_path / "heals.json").read_text())["verify"] == {"died": len(control.reloaded)}
        assert (tmp_path / "heals.json").stat().st_mode & 0o777 == 0o600
    finally:
        kill_group(leader.pid)
        leader.wait()


def test_a_model_an_operator_unloaded_is_left_alone():
    leader = _fake_stub_group("verify_0_0", "detect_preprocess_0_0")
    try:
        time.sleep(0.3)
        control, seen = _Control(unloaded=("detect_preprocess",)), []
        watchdog = Watchdog(leader, control, seen.append, poll_s=0.05).start()
        os.kill(_pid_of(leader, "detect_preprocess_0_0"), signal.SIGKILL)
        time.sleep(0.5)
        watchdog.stop()
        assert control.reloaded == [] and seen == []
    finally:
        kill_group(leader.pid)
        leader.wait()


def test_the_watchdog_stops_when_the_server_has_exited(tmp_path):
    leader = _fake_stub_group("verify_0_0")
    time.sleep(0.3)
    control = _Control()
    watchdog = Watchdog(leader, control, lambda heal: None, poll_s=0.05).start()
    kill_group(leader.pid)
    leader.wait()
    time.sleep(0.3)
    assert control.reloaded == [] and not watchdog._thread.is_alive()


def test_a_failed_reload_is_reported_with_its_reason():
    heal = Heal("verify", ("verify_0_1",), 0.4, "load answered HTTP 400")
    assert "reload failed: load answered HTTP 400" in heal.describe()
    assert Heal("verify", ("verify_0_1",), 2.5).describe() == \
        "model 'verify': process of verify_0_1 died; reloaded in 2.5 s"


class _Gauge:
    def __init__(self) -> None:
        self.value = None

    def set(self, value: float) -> None:
        self.value = value


class _Family:
    def __init__(self, name: str, description: str) -> None:
        self.name, self.gauges = name, {}

    def Metric(self, labels: dict[str, str]) -> _Gauge:  # noqa: N802 - pb_utils.MetricFamily's spelling
        return self.gauges.setdefault((labels["model"], labels["reason"]), _Gauge())


def test_the_reload_gauge_follows_the_launchers_file(tmp_path):
    families = []
    counts = HealCounts(tmp_path / "heals.json")
    gauge = ReloadGauge(tmp_path / "heals.json", lambda *a: families.append(_Family(*a)) or families[-1], poll_s=0.02)
    try:
        counts.add("verify")
        counts.add("verify")
        counts.add("verify", "shared_memory")
        counts.add("face_detector")
        deadline = time.monotonic() + 5
        while families[0].gauges.get(("face_detector", "died")) is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert families[0].name == "facegate_model_reloads"
        assert {key: g.value for key, g in families[0].gauges.items()} == {
            ("verify", "died"): 2, ("verify", "shared_memory"): 1, ("face_detector", "died"): 1}
    finally:
        gauge.close()


def test_a_look_that_raises_does_not_end_the_watching():
    from facegate.server.poller import Poller

    class Flaky(Poller):
        looks = 0

        def poll(self) -> bool:
            self.looks += 1
            if self.looks == 1:
                raise ValueError("a half-read answer")
            return self.looks < 3

    poller = Flaky("flaky", 0.01).start()
    poller._thread.join(2)
    assert poller.looks == 3 and not poller._thread.is_alive()


def test_a_stub_seen_on_one_look_only_is_no_instance_to_heal():
    """Loading a model can run a short-lived stub; its exit is no death (the reload would unload the model)."""
    transient = "(sleep 0.9; exec -a triton_python_backend_stub sh -c 'sleep 0.4; :' a b c d e verify_0_1) &"
    leader = subprocess.Popen(["bash", "-c", "(exec -a triton_python_backend_stub sh -c 'sleep 60; :' a b c d e "
                               f"verify_0_0) & {transient} wait"], start_new_session=True)
    try:
        time.sleep(0.3)
        control = _Control()
        watchdog = Watchdog(leader, control, lambda heal: None, poll_s=0.4).start()  # looks at 0.7, 1.1, 1.5, 1.9: the stub lives 0.9-1.3
        time.sleep(1.8)
        watchdog.stop()
        assert control.reloaded == []
    finally:
        kill_group(leader.pid)
        leader.wait()
