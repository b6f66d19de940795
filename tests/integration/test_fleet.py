"""Three real `facegate serve` nodes sharing one real Redis (issue 11: one fleet, one truth).

- a token spent on one node is TOKEN_REPLAYED on the others; one token sent 8x across the nodes at
  once gets exactly one answer past the token check, round after round;
- Redis killed: no ACCEPT, typed answers (verify RETRY SERVICE_UNAVAILABLE, challenge Unavailable),
  readiness false on every node; Redis back: readiness true and a genuine clip ACCEPTed, no node
  restarted, and a token spent before the crash still refused (append-only file);
- 5 failed attempts of one subscriber spread over the nodes lock it out on all of them (LockedOut
  with retry-after, and a token fetched before the lockout is refused LOCKED_OUT); another
  subscriber is unaffected; the lockout ends after its (here short) time; the counters are on every
  node's metrics endpoint with no identifier in them.

The nodes start once for the module (three Triton servers: 2.3 GB PSS together when idle, ready
in 43-58 s on the shared 2-core machine; the module took about 2 minutes). Cheap requests keep the rest short: screened_clip() is answered from image headers after
the token check, a 5-face ID photo stops after detection (MULTIPLE_FACES, REJECT); two verifications
run every model (48 frames each).
"""

from __future__ import annotations

import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from facegate import testdata
from facegate.server.keyring_file import temporary_keyring_file
from facegate_client import ClientOptions, FacegateClient, LockedOut, ReasonCode, Unavailable
from facegate_client import cli as client_cli
from tests.integration.fleet import fleet
from tests.integration.redis_process import redis_process
from tests.integration.small_clip import screened_clip, small_clip

pytestmark = pytest.mark.integration

GENUINE_ACTIONS = ["blink", "turn_right"]
ATTEMPT_LIMIT = 5
LOCKOUT_S = 12
ROUNDS = 4
COPIES = 8


@pytest.fixture(scope="module")
def redis_server():
    with redis_process() as server:
        yield server


@pytest.fixture(scope="module")
def nodes(redis_server):
    with temporary_keyring_file() as keyring_file, tempfile.TemporaryDirectory(prefix="facegate-fleet-") as workdir:
        common = ["--allow-requested-actions", "--attempt-limit", str(ATTEMPT_LIMIT), "--attempt-window", "300",
                  "--lockout", str(LOCKOUT_S)]
        with fleet(3, redis_server.url, keyring_file, Path(workdir),
                   [common, common, [*common, "--decision-only"]]) as running:
            yield running


@pytest.fixture(scope="module")
def clients(nodes):
    options = ClientOptions(timeout_s=120)
    with FacegateClient(nodes[0].grpc_url, options) as a, FacegateClient(nodes[1].grpc_url, options) as b, \
            FacegateClient(nodes[2].grpc_url, options) as c:
        yield [a, b, c]


@pytest.fixture(scope="module")
def genuine():
    video = testdata.video_frames("turns_video", limit=470)
    return testdata.chip_photo(video[260], left=295), [testdata.encode(frame) for frame in video[374:470:2]]


@pytest.fixture(scope="module")
def group_photo_clip():
    """A 5-face ID photo: REJECT MULTIPLE_FACES right after detection, a cheap failed attempt."""
    return testdata.read("multi_face"), small_clip()[1]


def test_a_token_spent_on_one_node_is_replayed_on_every_other(clients):
    a, b, c = clients
    id_photo, frames = screened_clip()
    token = b.challenge(False).token
    assert a.verify(id_photo, frames, token).codes == (ReasonCode.IMAGE_TOO_LARGE,)
    for client in (b, c, a):
        assert client.verify(id_photo, frames, token).codes == (ReasonCode.TOKEN_REPLAYED,)


def test_one_token_sent_eight_times_across_the_nodes_passes_the_token_check_once(clients):
    id_photo, frames = screened_clip()
    for round_ in range(ROUNDS):
        token = clients[round_ % 3].challenge(False).token
        barrier = threading.Barrier(COPIES)

        def send(index: int):
            barrier.wait()
            return clients[index % 3].verify(id_photo, frames, token).codes

        with ThreadPoolExecutor(COPIES) as pool:
            answers = list(pool.map(send, range(COPIES)))
        assert sorted(answers) == [(ReasonCode.IMAGE_TOO_LARGE,)] + [(ReasonCode.TOKEN_REPLAYED,)] * (COPIES - 1), \
            f"round {round_}"


def test_the_decision_only_node_answers_decision_and_reasons_alone(clients):
    id_photo, frames = screened_clip()
    result = clients[2].verify(id_photo, frames, clients[2].challenge(False).token)
    assert set(result.raw) == {"decision", "reasons", "request_id"} and result.match_score is None


def test_redis_down_means_no_accept_typed_answers_and_not_ready_then_recovery(redis_server, nodes, clients, genuine):
    id_photo, frames = genuine
    spent = clients[0].challenge(False, GENUINE_ACTIONS).token
    before = clients[0].verify(id_photo, frames, spent)
    assert before.accepted, before.codes
    waiting = [client.challenge(False, GENUINE_ACTIONS).token for client in clients]

    redis_server.kill()
    try:
        for node, client, token in zip(nodes, clients, waiting):
            status, state = node.readiness()
            assert (status, state) == (503, {"ready": False, "triton": True, "token_store": False}), node.name
            result = client.verify(id_photo, frames, token)
            assert (result.decision, result.codes) == ("RETRY", (ReasonCode.SERVICE_UNAVAILABLE,)), node.name
            assert node is nodes[2] or result.raw["timings_ms"].keys() == {"screen", "total"}  # no inference ran
            with pytest.raises(Unavailable, match="SERVICE_UNAVAILABLE"):
                client.challenge(False, subject="subscriber-during-outage")
    finally:
        redis_server.start()

    for node in nodes:
        assert node.readiness() == (200, {"ready": True, "triton": True, "token_store": True}), node.name
    assert clients[1].verify(id_photo, frames, spent).codes == (ReasonCode.TOKEN_REPLAYED,)  # kept across the crash
    after = clients[2].verify(id_photo, frames, clients[2].challenge(False, GENUINE_ACTIONS).token)
    assert after.accepted, after.codes


def _metric(text: str, name: str, label: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith(name + "{") and label in line)


def test_failed_attempts_spread_over_the_nodes_lock_the_subscriber_out_everywhere(nodes, clients, group_photo_clip,
                                                                                    capsys):
    id_photo, frames = group_photo_clip
    subject, other = "hmac-of-id-number-0001", "hmac-of-id-number-0002"
    held = clients[0].challenge(False, subject=subject).token  # fetched before the lockout
    for attempt in range(ATTEMPT_LIMIT):
        client = clients[attempt % 3]
        result = client.verify(id_photo, frames, client.challenge(False, subject=subject, device="handset-1").token)
        assert (result.decision, result.codes) == ("REJECT", (ReasonCode.MULTIPLE_FACES,))

    locked_at = time.monotonic()
    for client in clients:
        with pytest.raises(LockedOut) as refusal:
            client.challenge(False, subject=subject)
        assert 0 < refusal.value.retry_after_s <= LOCKOUT_S
        with pytest.raises(LockedOut):
            client.challenge(False, device="handset-1")  # the device took the same 5 failures
        assert client.challenge(False, subject=other).token
    assert clients[1].verify(id_photo, frames, held).codes == (ReasonCode.LOCKED_OUT,)
    assert client_cli.main(["challenge", "--subject", subject, *(f"--server={node.grpc_url}" for node in nodes)]) == 1
    error = capsys.readouterr().err
    assert "LockedOut: LOCKED_OUT" in error and "retry after" in error

    metrics = [node.metrics() for node in nodes]
    assert sum(_metric(text, "facegate_failed_attempts_total", 'kind="subject"') for text in metrics) == ATTEMPT_LIMIT
    assert sum(_metric(text, "facegate_lockouts_total", 'kind="subject"') for text in metrics) == 1
    assert sum(_metric(text, "facegate_lockouts_total", 'kind="device"') for text in metrics) == 1
    assert sum(_metric(text, "facegate_challenge_refusals_total", 'code="LOCKED_OUT"') for text in metrics) >= 6
    assert not any(subject in text or "handset-1" in text for text in metrics)

    time.sleep(max(0.0, LOCKOUT_S + 1 - (time.monotonic() - locked_at)))
    for client in clients:
        assert client.challenge(False, subject=subject, device="handset-1").token
