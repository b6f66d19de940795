import multiprocessing
import os
import sqlite3
import stat
import time

import pytest

from python_backends.decision.sqlite_token_store import DB_NAME, SqliteTokenStore
from python_backends.decision.attempts import AttemptPolicy
from python_backends.decision.token_store import PURGE_GRACE_S, StoreUnavailable

T0 = 1_700_000_000.0
LATER = time.time() + 3600  # for stores on the real clock


def test_a_nonce_is_consumed_once(tmp_path):
    store = SqliteTokenStore(tmp_path / "state")
    assert store.consume("a", LATER)
    assert not store.consume("a", LATER)
    assert store.consume("b", LATER)


def test_files_are_private(tmp_path):
    store = SqliteTokenStore(tmp_path / "state")
    store.consume("a", LATER)
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_an_open_directory_is_refused(tmp_path):
    (tmp_path / "state").mkdir(mode=0o755)
    os.chmod(tmp_path / "state", 0o755)
    with pytest.raises(PermissionError):
        SqliteTokenStore(tmp_path / "state")


def test_expired_rows_are_purged_after_the_grace_period(tmp_path):
    now = [T0]
    store = SqliteTokenStore(tmp_path / "state", clock=lambda: now[0])
    store.consume("old", T0 + 10)
    store.consume("young", T0 + 1000)
    now[0] = T0 + 10 + PURGE_GRACE_S + 1
    store.consume("trigger", now[0] + 10)
    with sqlite3.connect(tmp_path / "state" / DB_NAME) as db:
        assert {row[0] for row in db.execute("SELECT nonce FROM nonces")} == {"young", "trigger"}


def _race(directory, nonces, barrier, results):
    store = SqliteTokenStore(directory)  # each process opens its own, like one model instance
    barrier.wait()
    results.put([nonce for nonce in nonces if store.consume(nonce, LATER)])


def test_processes_racing_for_the_same_nonces_win_each_exactly_once(tmp_path):
    context = multiprocessing.get_context("spawn")
    workers, nonces = 6, [f"nonce-{i}" for i in range(40)]
    barrier, results = context.Barrier(workers), context.Queue()
    processes = [
        context.Process(target=_race, args=(tmp_path / "state", nonces, barrier, results)) for _ in range(workers)
    ]
    for process in processes:
        process.start()
    won = [nonce for _ in processes for nonce in results.get(timeout=60)]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert sorted(won) == sorted(nonces)


def test_failures_lock_out_within_the_window_and_the_lockout_ends(tmp_path):
    now = [T0]
    store = SqliteTokenStore(tmp_path / "state", clock=lambda: now[0])
    policy = AttemptPolicy(limit=3, window_s=60, lockout_s=600)
    keys = ("subject:S", "device:D")
    assert store.record_failure(keys, policy) == ()
    now[0] += 61  # the first falls out of the window
    assert store.record_failure(keys, policy) == ()
    assert store.record_failure(keys[:1], policy) == ()
    assert store.lockout_left_s(keys) == 0
    assert store.record_failure(keys, policy) == keys[:1]  # 3 in 60 s for the subject, 2 for the device
    now[0] += 0.5
    assert store.lockout_left_s(keys) == 600 and store.lockout_left_s(keys[1:]) == 0
    now[0] += 600
    assert store.lockout_left_s(keys) == 0


def test_an_unopenable_store_is_unavailable(tmp_path):
    store = SqliteTokenStore(tmp_path / "state")
    store.path.mkdir()  # a directory where the database should be
    with pytest.raises(StoreUnavailable):
        store.consume("n", LATER)
