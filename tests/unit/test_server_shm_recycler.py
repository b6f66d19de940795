import subprocess

from facegate.server.config import RecyclePolicy
from facegate.server.shm_recycler import ShmRecycler, answered_total, oversized, shared_mb


def test_answered_total_adds_successes_and_failures_of_every_model():
    stats = {"model_stats": [
        {"name": "verify", "inference_stats": {"success": {"count": 3}, "fail": {"count": 1}, "queue": {"count": 9}}},
        {"name": "detect", "inference_stats": {"success": {"count": 5}, "fail": {"count": 0}}},
    ]}
    assert answered_total(stats) == 9
    assert answered_total({}) == 0


def test_oversized_names_models_by_their_largest_process():
    shared = {"verify_0_0": 74.0, "verify_0_1": 20.0, "detect_preprocess_0_0": 31.0, "face_detector_0_1": 40.0}
    assert oversized(shared, 32.0) == {"verify": 74.0, "face_detector": 40.0}
    assert oversized(shared, 100.0) == {}


def test_shared_mb_reads_this_process_and_is_zero_for_a_gone_one():
    assert shared_mb(subprocess.os.getpid()) >= 0.0
    assert shared_mb(2**22 + 12345) == 0.0


class _Control:
    def __init__(self) -> None:
        self.answered = 0
        self.renewed: list[str] = []

    def statistics(self) -> dict:
        return {"model_stats": [{"name": "verify", "inference_stats": {"success": {"count": self.answered}}}]}

    def renew(self, model: str) -> None:
        self.renewed.append(model)


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_renews_only_after_the_server_was_idle_long_enough(monkeypatch):
    server = subprocess.Popen(["sleep", "30"])
    try:
        monkeypatch.setattr("facegate.server.shm_recycler.stub_processes", lambda pgid: {1: "verify_0_0", 2: "challenge_0_0"})
        monkeypatch.setattr("facegate.server.shm_recycler.shared_mb", lambda pid: {1: 70.0, 2: 1.0}[pid])
        control, clock, seen = _Control(), _Clock(), []
        recycler = ShmRecycler(server, control, seen.append, RecyclePolicy(limit_mb=32, idle_s=10), clock=clock)
        assert recycler.poll() and control.renewed == []  # first look: counts seen
        clock.now, control.answered = 8.0, 4  # traffic: the quiet time starts again
        assert recycler.poll() and control.renewed == []
        clock.now = 17.0
        assert recycler.poll() and control.renewed == []  # 9 s quiet
        clock.now = 18.5
        assert recycler.poll() and control.renewed == ["verify"]
        assert seen[0].model == "verify" and seen[0].shared_mb == 70.0 and seen[0].error is None
        assert "70 MB" in seen[0].describe()
        clock.now = 30.0
        assert recycler.poll() and control.renewed == ["verify"]  # not again before more traffic
        clock.now, control.answered = 30.5, 0  # the renewed model's statistics restart: no traffic
        assert recycler.poll() and control.renewed == ["verify"]
        clock.now = 40.6
        assert recycler.poll() and control.renewed == ["verify"]
        clock.now, control.answered = 41.0, 1  # traffic again (from the restarted count)
        assert recycler.poll()
        clock.now = 51.5
        assert recycler.poll() and control.renewed == ["verify", "verify"]
    finally:
        server.kill()
        server.wait()
    assert recycler.poll() is False  # the server is gone: the thread ends
