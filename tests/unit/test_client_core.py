import pytest
from tritonclient.utils import InferenceServerException

from facegate_client.calls import Deadline
from facegate_client.core import ClientCore
from facegate_client.errors import DeadlineExceeded, InvalidInput, Unavailable
from facegate_client.options import ClientOptions


class _Node:
    def __init__(self, url: str, **arguments) -> None:
        self.url, self.arguments = url, arguments


class _Core(ClientCore):
    node_class = _Node


def _core() -> _Core:
    return _Core(["a:8001", "b:8001"], ClientOptions(timeout_s=7, max_in_flight=3, probe_timeout_s=2))


def _unavailable(message: str) -> InferenceServerException:
    return InferenceServerException(msg=message, status="StatusCode.UNAVAILABLE")


def test_one_node_object_per_url():
    core = _core()
    assert sorted(core._nodes) == ["a:8001", "b:8001"]
    assert all(node.url == url for url, node in core._nodes.items())


def test_probe_answers_move_nodes_out_of_and_back_into_rotation():
    core = _core()
    assert core._probed("a:8001", _unavailable("refused")).error == "refused"
    assert core._pool.healthy() == ("b:8001",)
    assert core._probed("b:8001", False).error == "not ready"
    assert core._pool.healthy() == ()
    health = core._probed("a:8001", True)
    assert (health.ready, health.error, core._pool.healthy()) == (True, None, ("a:8001",))


def test_calls_are_checked_before_anything_is_sent():
    core = _core()
    with pytest.raises(InvalidInput):
        core._challenge_call(False, ["jump"], None)
    with pytest.raises(InvalidInput):
        core._verify_call(b"", [b"\xff\xd8\xff"] * 8, None, "v1.k.p.m", None, False)
    assert core._verify_call(b"\xff\xd8\xff", [b"\xff\xd8\xff"] * 8, None, "v1.k.p.m", "rid", False).request_id == "rid"


def test_timeouts_fall_back_to_the_options():
    core = _core()
    assert core._health_timeout(None) == 2 and core._health_timeout(30) == 7
    assert core._deadline(None).remaining("rid") == pytest.approx(7, abs=0.5)
    assert "3 calls were in flight" in str(core._no_slot(core._challenge_call(False, None, "rid")))


def test_infer_arguments_carry_the_request_id_and_the_time_left():
    core = _core()
    call = core._challenge_call(False, None, "rid")
    arguments = core._infer_arguments(call, Deadline(5))
    assert (arguments["model_name"], arguments["request_id"]) == ("challenge", "rid")
    assert arguments["headers"]["x-request-id"] == "rid" and 4 < arguments["client_timeout"] <= 5
    with pytest.raises(DeadlineExceeded):
        core._infer_arguments(call, Deadline(0))


def test_a_failed_attempt_raises_unless_another_node_may_take_the_call():
    core = _core()
    challenge = core._challenge_call(False, None, "rid")
    assert isinstance(core._attempt_failed("a:8001", _unavailable("Socket closed"), challenge), Unavailable)
    assert core._pool.healthy() == ("b:8001",)
    verify = core._verify_call(b"\xff\xd8\xff", [b"\xff\xd8\xff"] * 8, None, "v1.k.p.m", "rid", False)
    with pytest.raises(Unavailable):  # it may have reached the model: never sent twice
        core._attempt_failed("b:8001", _unavailable("Socket closed"), verify)
