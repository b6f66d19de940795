"""One client, two real servers sharing a keyring and a nonce store, at least 200 verifications while
one server is killed and restarted; and the async client with 64 verifications in flight.

Sharing the nonce store makes a re-sent verify visible: had the client sent a verify that reached the
killed node's model again to the survivor, the survivor would answer it TOKEN_REPLAYED. To keep the
run within a 2-core CI budget, one verification in REAL_EVERY runs every model; the others are
screened out by the verify model after it spent their token (see small_clip.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

import pytest
import tritonclient.grpc as grpcclient

from facegate.paths import MODEL_REPOSITORY
from facegate.server import running_server
from facegate_client import (
    AsyncFacegateClient,
    ClientOptions,
    DeadlineExceeded,
    FacegateClient,
    FacegateError,
    ReasonCode,
    Unavailable,
    VerificationResult,
)
from tests.integration.server_fixture import local_config
from tests.integration.small_clip import screened_clip, small_clip

pytestmark = pytest.mark.integration

MIN_VERIFIES = 200
CONCURRENCY = 4
KILL_AFTER = 40
AFTER_RESTART = 20  # verifications completed after the killed node is back
TAKE_BACK_WITHIN_S = 30  # the client probes a failed node at most every 2 s (options below)
REAL_EVERY = 8


def verifies_executed(url: str) -> int:
    """Verify requests the node's `verify` model finished (successfully or not) since it started."""
    with grpcclient.InferenceServerClient(url) as client:
        stats = client.get_inference_statistics("verify", as_json=True)["model_stats"][0]["inference_stats"]
    return int(stats.get("success", {}).get("count", 0)) + int(stats.get("fail", {}).get("count", 0))


def _verify_once(client: FacegateClient, index: int) -> VerificationResult | FacegateError:
    id_photo, frames = small_clip() if index % REAL_EVERY == 0 else screened_clip()
    try:
        token = client.challenge(mirrored=False).token
        return client.verify(id_photo, frames, token, request_id=f"run-{index}")
    except FacegateError as error:  # anything else fails the test
        return error


def test_a_killed_node_is_left_and_taken_back_and_no_verify_runs_twice(triton_server):
    survivor = triton_server
    config = local_config(MODEL_REPOSITORY, keyring_file=survivor.config.keyring_file,
                          state_dir=survivor.workdir / "state", log_verbose=0)
    survivor_before = verifies_executed(survivor.grpc_url)
    options = ClientOptions(timeout_s=120, max_in_flight=CONCURRENCY, probe_interval_s=0.5, max_probe_interval_s=2)
    outcomes: dict[int, VerificationResult | FacegateError] = {}
    with contextlib.ExitStack() as stack:
        node = stack.enter_context(running_server(config))
        client = stack.enter_context(FacegateClient([node.grpc_url, survivor.grpc_url], options))
        pool = stack.enter_context(ThreadPoolExecutor(CONCURRENCY))
        restarted: list = []
        back_at = threading.Event()

        def restart() -> None:
            restarted.append(stack.enter_context(running_server(config)))
            back_at.set()

        pending, submitted, killed_snapshot, restarter = {}, 0, None, None
        done_after_back, back_since, taken_back = 0, None, False

        def more_needed() -> bool:
            """Until 200 ran, the node is back, and it answered some of the 20+ calls made since."""
            nonlocal back_since, taken_back
            if back_at.is_set() and not taken_back:
                back_since = back_since or time.monotonic()
                taken_back = verifies_executed(restarted[0].grpc_url) > 0
                assert taken_back or time.monotonic() - back_since < TAKE_BACK_WITHIN_S, (
                    f"the restarted node got no verify within {TAKE_BACK_WITHIN_S} s of being ready")
            return submitted < MIN_VERIFIES or not taken_back or done_after_back < AFTER_RESTART

        while pending or more_needed():
            while len(pending) < CONCURRENCY and more_needed():
                pending[pool.submit(_verify_once, client, submitted)] = submitted
                submitted += 1
            if restarter is not None and not restarter.is_alive() and not back_at.is_set():
                pytest.fail("the killed node did not start again")
            finished, _ = wait(pending, timeout=180, return_when=FIRST_COMPLETED)
            assert finished, "no verification finished within 180 s"
            for future in finished:
                outcomes[pending.pop(future)] = future.result()
                done_after_back += back_at.is_set()
            if killed_snapshot is None and len(outcomes) >= KILL_AFTER:
                killed_snapshot = verifies_executed(node.grpc_url)
                os.killpg(node.pid, signal.SIGKILL)
                restarter = threading.Thread(target=restart)
                restarter.start()
        restarter.join()
        restarted_count = verifies_executed(restarted[0].grpc_url)
        survivor_count = verifies_executed(survivor.grpc_url) - survivor_before

    results = [o for o in outcomes.values() if isinstance(o, VerificationResult)]
    errors = [o for o in outcomes.values() if isinstance(o, FacegateError)]
    print(f"\n{len(outcomes)} verifications: {len(results)} results, {len(errors)} errors "
          f"({sorted({type(e).__name__ for e in errors})}); killed node ran {killed_snapshot}+ before the kill, "
          f"survivor {survivor_count}, restarted node {restarted_count}")
    assert len(outcomes) >= MIN_VERIFIES and sorted(outcomes) == list(range(len(outcomes)))
    assert all(isinstance(e, (Unavailable, DeadlineExceeded)) for e in errors)
    assert len(errors) <= CONCURRENCY  # only calls in flight on the killed node at the kill
    assert all(ReasonCode.TOKEN_REPLAYED not in r.codes for r in results)  # nothing re-sent after a model saw it
    real = [r for r in results if int(r.request_id.removeprefix("run-")) % REAL_EVERY == 0]
    assert all(r.quality["single_face_frames"] == len(small_clip()[1]) for r in real)  # every model ran
    assert all(r.codes[0] == ReasonCode.IMAGE_TOO_LARGE for r in results if r not in real)
    answered = [f"run-{i}" for i, o in outcomes.items() if isinstance(o, VerificationResult)]
    assert sorted(r.request_id for r in results) == sorted(answered)
    assert restarted_count > 0  # taken back once ready
    # Every verify the live nodes ran answered one of our calls, and the killed node ran the rest: at
    # least what it had finished at the snapshot, less those whose answers the kill cut off on the way
    # (each is one of the errors), at most those plus the calls then in flight.
    from_killed = len(results) - survivor_count - restarted_count
    assert killed_snapshot - len(errors) <= from_killed <= killed_snapshot + CONCURRENCY


def test_the_async_client_completes_64_concurrent_verifications(triton_server):
    id_photo, frames = small_clip()

    async def one(client: AsyncFacegateClient, index: int) -> VerificationResult:
        challenge = await client.challenge(mirrored=False)
        return await client.verify(id_photo, frames, challenge.token, request_id=f"async-{index}")

    async def scenario():
        options = ClientOptions(timeout_s=300, max_in_flight=64)
        async with AsyncFacegateClient(triton_server.grpc_url, options) as client:
            return await asyncio.gather(*(one(client, index) for index in range(64)))

    started = time.monotonic()
    results = asyncio.run(scenario())
    expired = [r for r in results if r.codes == (ReasonCode.TOKEN_EXPIRED,)]
    print(f"\n64 concurrent verifications in {time.monotonic() - started:.1f} s, {len(expired)} tokens expired "
          "while queued at the server")
    assert [r.request_id for r in results] == [f"async-{i}" for i in range(64)]
    # Every model ran on each, unless the server's queue outlasted the challenge's lifetime (a loaded machine).
    assert all(r.quality.get("single_face_frames") == len(frames) for r in results if r not in expired)
    assert len(expired) < 64
