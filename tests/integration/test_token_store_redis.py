"""RedisTokenStore against a real redis-server: one-use nonces under a race, sliding-window attempt
counts and lockouts on Redis's clock, fail-fast while Redis is down and recovery when it is back,
TLS with a CA file and a password. No Triton here (the fleet: test_fleet.py)."""

from __future__ import annotations

import multiprocessing
import time

import pytest
import redis

from python_backends.decision import AttemptPolicy, StoreLocation, StoreUnavailable, open_token_store
from python_backends.decision.redis_token_store import PURGE_GRACE_S, RedisTokenStore
from facegate.server.ports import free_ports
from tests.integration.pki import issue, make_ca
from tests.integration.redis_process import redis_process

pytestmark = pytest.mark.integration
LATER = time.time() + 3600


@pytest.fixture(scope="module")
def redis_server():
    with redis_process() as server:
        yield server


@pytest.fixture
def store(redis_server):
    store = RedisTokenStore(redis_server.url)
    store._client.flushdb()
    yield store
    store.close()


def test_a_nonce_is_consumed_once_and_kept_past_its_expiry(store):
    expires_at = int(time.time()) + 60
    assert store.consume("a", expires_at)
    assert not store.consume("a", expires_at)
    assert store.consume("b", expires_at)
    ttl = store._client.ttl("facegate:nonce:a")
    assert 60 + PURGE_GRACE_S - 5 <= ttl <= 60 + PURGE_GRACE_S


def _race(url, nonces, barrier, results):
    store = RedisTokenStore(url)  # each process its own connection, like one model instance of one node
    barrier.wait()
    results.put([nonce for nonce in nonces if store.consume(nonce, LATER)])


def test_processes_racing_for_the_same_nonces_win_each_exactly_once(store, redis_server):
    context = multiprocessing.get_context("spawn")
    workers, nonces = 8, [f"race-{i}" for i in range(50)]
    barrier, results = context.Barrier(workers), context.Queue()
    processes = [context.Process(target=_race, args=(redis_server.url, nonces, barrier, results))
                 for _ in range(workers)]
    for process in processes:
        process.start()
    won = [nonce for _ in processes for nonce in results.get(timeout=60)]
    for process in processes:
        process.join(10)
    assert sorted(won) == sorted(nonces)


def test_failures_lock_out_within_the_window_only_and_the_lockout_ends(store):
    policy = AttemptPolicy(limit=3, window_s=2, lockout_s=2)
    keys = ("subject:AAAAAAAAAAAAAAAAAAAAAA", "device:BBBBBBBBBBBBBBBBBBBBBB")
    assert store.record_failure(keys, policy) == ()
    assert store.record_failure(keys[:1], policy) == ()
    time.sleep(2.1)  # both fall out of the sliding window
    assert store.record_failure(keys, policy) == ()
    assert store.record_failure(keys, policy) == ()
    assert store.lockout_left_s(keys) == 0
    assert store.record_failure(keys, policy) == keys  # 3 within 2 s, for each key
    assert 1 <= store.lockout_left_s(keys) <= 2 and store.lockout_left_s(["subject:other"]) == 0
    assert not store._client.exists("facegate:fail:" + keys[0])  # the count starts afresh after a lockout
    time.sleep(2.1)
    assert store.lockout_left_s(keys) == 0


def test_a_down_store_fails_fast_and_the_same_store_recovers(redis_server):
    store = RedisTokenStore(redis_server.url)
    store.ping()
    redis_server.kill()
    try:
        for call in (lambda: store.consume("down", LATER), store.ping, lambda: store.lockout_left_s(["subject:x"]),
                     lambda: store.record_failure(["subject:x"], AttemptPolicy())):
            with pytest.raises(StoreUnavailable):
                call()
    finally:
        redis_server.start()
    store.ping()
    assert store.consume("after-restart", LATER)


def test_a_hung_store_is_unavailable_after_the_timeout(redis_server):
    store = RedisTokenStore(redis_server.url)
    store.ping()
    redis_server.pause()
    try:
        with pytest.raises(StoreUnavailable):  # without the socket timeout this would wait forever
            store.consume("hung", LATER)
    finally:
        redis_server.resume()
    assert store.consume("resumed", LATER)


def test_a_store_that_never_was_there_is_unavailable():
    store = RedisTokenStore(f"redis://127.0.0.1:{free_ports(1)[0]}/0")
    with pytest.raises(StoreUnavailable):
        store.consume("n", LATER)


def test_tls_with_a_ca_file_and_a_password(tmp_path):
    ca = make_ca(tmp_path, "redis-ca")
    server = issue(ca, tmp_path, "redis-server", server=True)
    other_ca = make_ca(tmp_path, "other-ca")
    tls_port = free_ports(1)[0]
    with redis_process("--tls-port", str(tls_port), "--tls-cert-file", str(server.cert), "--tls-key-file",
                       str(server.key), "--tls-ca-cert-file", str(ca.cert), "--tls-auth-clients", "no",
                       "--requirepass", "s3cret-pass"):
        url = f"rediss://:s3cret-pass@127.0.0.1:{tls_port}/0"
        store = open_token_store(StoreLocation(url, ca_file=ca.cert))
        assert store.consume("tls", LATER) and not store.consume("tls", LATER)
        for location in (StoreLocation(url, ca_file=other_ca.cert),
                         StoreLocation(url.replace("s3cret-pass", "wrong-pass"), ca_file=ca.cert)):
            with pytest.raises(StoreUnavailable):
                open_token_store(location).ping()


def _wait_until_replicated(primary_port: int) -> None:
    """Until the new replica acknowledges writes (WAIT counts it), which a freshly synced one may not yet do."""
    primary = redis.Redis(host="127.0.0.1", port=primary_port)
    deadline = time.monotonic() + 20
    primary.set("facegate-test:warm-up", 1)
    while primary.wait(1, 100) < 1:
        assert time.monotonic() < deadline, "the replica never acknowledged"
    primary.close()


def test_with_replicas_required_a_nonce_no_replica_acknowledged_is_refused(redis_server):
    store = RedisTokenStore(redis_server.url, replicas=1)
    store._client.config_set("repl-diskless-sync-delay", 0)  # sync the new replica now, not in 5 s
    # A replica without its own append-only file: one that fsyncs every write missed the 300 ms budget
    # now and then on this busy shared machine.
    with redis_process("--replicaof", "127.0.0.1", str(redis_server.port), "--appendonly", "no") as replica:
        _wait_until_replicated(redis_server.port)
        assert store.consume("acknowledged", LATER) and not store.consume("acknowledged", LATER)
        assert redis.Redis(host="127.0.0.1", port=replica.port).exists("facegate:nonce:acknowledged")
        replica.kill()
    with pytest.raises(StoreUnavailable, match="0 of 1 replicas"):  # the replica is gone: fail closed
        store.consume("unacknowledged", LATER)
    assert RedisTokenStore(redis_server.url).consume("without-wait", LATER)
