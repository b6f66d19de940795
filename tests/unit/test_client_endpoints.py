import pytest

from facegate_client.endpoints import EndpointPool


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _pool(clock, urls=("a", "b", "c")) -> EndpointPool:
    return EndpointPool(list(urls), clock=clock, probe_interval_s=1.0, max_probe_interval_s=4.0)


def test_requests_rotate_over_healthy_nodes():
    pool = _pool(FakeClock())
    assert [pool.order()[0] for _ in range(4)] == ["a", "b", "c", "a"]
    assert pool.order() == ["b", "c", "a"]


def test_a_failed_node_leaves_the_rotation_but_stays_a_last_resort():
    clock = FakeClock()
    pool = _pool(clock)
    pool.report_failure("b")
    assert pool.healthy() == ("a", "c")
    assert [pool.order() for _ in range(3)] == [["a", "c", "b"], ["c", "a", "b"], ["a", "c", "b"]]


def test_failed_nodes_are_last_resort_soonest_probe_first():
    clock = FakeClock()
    pool = _pool(clock)
    pool.report_failure("a")
    pool.report_failure("a")  # backoff 2 s
    pool.report_failure("b")  # backoff 1 s
    assert pool.order()[1:] == ["b", "a"]


def test_probes_are_due_after_an_interval_that_doubles_up_to_the_cap():
    clock = FakeClock()
    pool = _pool(clock)
    pool.report_failure("a")
    assert pool.due_probes() == []
    due_after = []
    for _ in range(4):
        waited = 0.0
        while not pool.due_probes():
            clock.now += 0.5
            waited += 0.5
        due_after.append(waited)
        pool.report_failure("a")  # the probe failed
    assert due_after == [1.0, 2.0, 4.0, 4.0]


def test_a_node_that_failed_thousands_of_times_keeps_the_capped_interval():
    clock = FakeClock()
    pool = _pool(clock)
    for _ in range(3000):  # seen in a load run against a dead server: the backoff overflowed a float
        pool.report_failure("a")
    clock.now += 4.0
    assert pool.due_probes() == ["a"]


def test_a_due_probe_is_handed_out_once():
    clock = FakeClock()
    pool = _pool(clock)
    pool.report_failure("a")
    clock.now += 1.0
    assert pool.due_probes() == ["a"]
    assert pool.due_probes() == []


def test_a_successful_probe_takes_the_node_back_with_its_backoff_reset():
    clock = FakeClock()
    pool = _pool(clock)
    for _ in range(3):
        pool.report_failure("a")
    pool.report_success("a")
    assert pool.healthy() == ("a", "b", "c")
    pool.report_failure("a")
    clock.now += 1.0
    assert pool.due_probes() == ["a"]


def test_endpoints_must_be_given_once():
    with pytest.raises(ValueError):
        EndpointPool([])
    with pytest.raises(ValueError):
        EndpointPool(["a", "a"])


def test_each_kind_of_request_takes_its_own_turn():
    pool = EndpointPool(["a", "b"])
    alternating = [pool.order(kind)[0] for kind in ("challenge", "verify") * 3]
    assert alternating == ["a", "a", "b", "b", "a", "a"]  # one shared turn would give a, b, a, b, a, b
