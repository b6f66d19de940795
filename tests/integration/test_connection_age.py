"""`facegate serve --grpc-max-connection-age`: the real server closes aged gRPC connections (so clients
behind a Kubernetes Service reconnect and are balanced again), and calls carry on across the closes."""

from __future__ import annotations

import threading
import time

import grpc
import pytest

from facegate_client import FacegateClient
from tests.integration.server_fixture import challenge_only_server

pytestmark = pytest.mark.integration


def _states_seen(url: str, seconds: float) -> list[grpc.ChannelConnectivity]:
    states, lock = [], threading.Lock()
    channel = grpc.insecure_channel(url)

    def record(state: grpc.ChannelConnectivity) -> None:
        with lock:
            states.append(state)

    channel.subscribe(record, try_to_connect=True)
    time.sleep(seconds)
    channel.unsubscribe(record)
    channel.close()
    with lock:
        return list(states)


def test_aged_connections_are_closed_and_calls_carry_on(tmp_path):
    with challenge_only_server(tmp_path, max_connection_age_s=1.0, max_connection_age_grace_s=1.0) as server:
        states = _states_seen(server.grpc_url, 5.0)
        ready_at = states.index(grpc.ChannelConnectivity.READY)
        assert grpc.ChannelConnectivity.IDLE in states[ready_at:], f"the connection was never closed: {states}"

        with FacegateClient(server.grpc_url) as client:
            deadline, calls = time.monotonic() + 4.0, 0
            while time.monotonic() < deadline:
                client.challenge(mirrored=False)  # raises if a call is lost to a closing connection
                calls += 1
                time.sleep(0.2)
        assert calls >= 10


def test_without_the_option_a_connection_stays_open(tmp_path):
    with challenge_only_server(tmp_path) as server:
        states = _states_seen(server.grpc_url, 3.0)
        assert grpc.ChannelConnectivity.READY in states
        assert states[-1] is grpc.ChannelConnectivity.READY, states
