"""Concurrent verifies through AsyncFacegateClient on the real server (a small-scale check; the
64 in flight are in test_client_two_servers.py)."""

from __future__ import annotations

import asyncio

import pytest

from facegate import testdata
from facegate.server.ports import free_ports
from facegate_client import AsyncFacegateClient, ClientOptions, Decision, FacegateClient, ReasonCode

pytestmark = pytest.mark.integration

CONCURRENT = 4


@pytest.fixture(scope="module")
def clip() -> list[bytes]:
    return [testdata.encode(frame) for frame in testdata.video_frames("single_face_video", step=6, limit=8)]


def test_concurrent_verifies_each_get_their_own_answer(triton_server, clip):
    id_photo = testdata.read("single_face")

    async def scenario():
        options = ClientOptions(timeout_s=120, max_in_flight=2)
        async with AsyncFacegateClient(triton_server.grpc_url, options) as client:
            challenges = await asyncio.gather(*(client.challenge(mirrored=False) for _ in range(CONCURRENT)))
            results = await asyncio.gather(*(
                client.verify(id_photo, frames=clip, token=c.token, request_id=f"order-{i}")
                for i, c in enumerate(challenges)))
            return challenges, results

    challenges, results = asyncio.run(scenario())
    assert len({c.token for c in challenges}) == CONCURRENT
    assert [r.request_id for r in results] == [f"order-{i}" for i in range(CONCURRENT)]
    for result in results:
        assert isinstance(result.decision, Decision)
        assert all(isinstance(code, ReasonCode) for code in result.codes)
        assert result.models  # the server names the models that decided


def test_an_unsent_verify_fails_over_and_a_replayed_token_is_rejected(triton_server, clip):
    dead_url = f"127.0.0.1:{free_ports(1)[0]}"
    with FacegateClient(triton_server.grpc_url) as issuer:
        token = issuer.challenge(mirrored=False).token
    options = ClientOptions(timeout_s=120)
    with FacegateClient([dead_url, triton_server.grpc_url], options) as client:
        first = client.verify(testdata.read("single_face"), frames=clip, token=token)  # the dead node is tried first
        replay = client.verify(testdata.read("single_face"), frames=clip, token=token)
    assert ReasonCode.TOKEN_REPLAYED not in first.codes
    assert replay.decision is Decision.REJECT and replay.codes == (ReasonCode.TOKEN_REPLAYED,)
    assert replay.request_id != first.request_id  # a uuid4 per call
