"""FacegateClient against the real server: failover from a dead endpoint, and bad input refused
before anything is sent."""

from __future__ import annotations

import asyncio

import pytest
import tritonclient.grpc as grpcclient

from facegate import testdata
from facegate.server.ports import free_ports
from facegate_client import AsyncFacegateClient, ClientOptions, FacegateClient, InvalidInput, Unavailable

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def dead_url() -> str:
    """A loopback port nothing listens on (connections are refused)."""
    return f"127.0.0.1:{free_ports(1)[0]}"


def _has_model(url: str, name: str) -> bool:
    with grpcclient.InferenceServerClient(url) as client:
        return client.is_model_ready(name)


def _requests_served(url: str) -> int:
    """Successful plus failed inference requests over every model of the server."""
    with grpcclient.InferenceServerClient(url) as client:
        stats = client.get_inference_statistics(as_json=True).get("model_stats", [])
    return sum(int(m.get("inference_stats", {}).get(kind, {}).get("count", 0))
               for m in stats for kind in ("success", "fail"))


def test_health_reports_each_endpoint(triton_server, dead_url):
    with FacegateClient([dead_url, triton_server.grpc_url]) as client:
        health = client.health()
    assert health.ready
    dead, live = health.endpoints
    assert (dead.url, dead.ready) == (dead_url, False)
    assert (live.url, live.ready, live.error) == (triton_server.grpc_url, True, None)
    assert "refused" in dead.error.lower() or "failed to connect" in dead.error


def test_health_of_only_dead_endpoints_is_not_ready(dead_url):
    with FacegateClient(dead_url) as client:
        assert not client.health().ready


def test_challenge_fails_over_from_a_dead_endpoint(triton_server, dead_url):
    if not _has_model(triton_server.grpc_url, "challenge"):
        pytest.skip("the server has no challenge model yet")
    with FacegateClient([dead_url, triton_server.grpc_url], ClientOptions(timeout_s=20)) as client:
        first = client.challenge(mirrored=True)  # round-robin starts at the dead node
        second = client.challenge(mirrored=False)
    assert first.token != second.token and first.mirrored and not second.mirrored
    assert first.token.startswith("v1.")


def test_a_call_with_only_dead_endpoints_is_unavailable(dead_url):
    with FacegateClient(dead_url) as client, pytest.raises(Unavailable):
        client.challenge(mirrored=False)


def _frames(count: int) -> list[bytes]:
    return [testdata.read("obama")] * count


TOKEN = "v1.k.cGF5bG9hZA.bWFj"


@pytest.mark.parametrize(
    "id_photo, frames, token, message",
    [
        (b"", _frames(8), TOKEN, "id_photo: empty"),
        (b"GIF89a....", _frames(8), TOKEN, "id_photo: not a JPEG"),
        (testdata.read("obama"), _frames(7), TOKEN, "frames: 7 frames"),
        (testdata.read("obama"), _frames(3) + [b"\0\0\0"] + _frames(5), TOKEN, r"frames\[3\]: not a JPEG"),
        (testdata.read("obama"), _frames(8), "not-a-token", "token: not a facegate challenge token"),
    ],
)
def test_bad_input_is_refused_before_sending(triton_server, id_photo, frames, token, message):
    before = _requests_served(triton_server.grpc_url)
    with FacegateClient(triton_server.grpc_url) as client, pytest.raises(InvalidInput, match=message) as raised:
        client.verify(id_photo, frames=frames, token=token)
    assert raised.value.status is None  # raised by the client, not answered by the server
    assert _requests_served(triton_server.grpc_url) == before


def test_async_client_fails_over_and_refuses_bad_input(triton_server, dead_url):
    async def scenario():
        async with AsyncFacegateClient([dead_url, triton_server.grpc_url]) as client:
            health = await client.health()
            with pytest.raises(InvalidInput, match=r"actions\[0\]"):
                await client.challenge(mirrored=False, actions=["wave"])
            return health

    health = asyncio.run(scenario())
    assert [endpoint.ready for endpoint in health.endpoints] == [False, True]
