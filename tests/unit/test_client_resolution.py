import asyncio
import socket
import threading

import pytest

from facegate.server.ports import free_ports
from facegate_client.aio import AsyncFacegateClient

from facegate_client.core import ClientCore
from facegate_client.endpoints import EndpointPool
from facegate_client.errors import Unavailable
from facegate_client.options import ClientOptions
from facegate_client.resolution import DnsName
from facegate_client.security import Tls


def _answer(*addresses: str) -> list:
    return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 8001)) for a in addresses]


def test_dns_targets_use_grpcs_spelling_and_plain_urls_are_not_names():
    assert DnsName.parse("dns:///facegate-headless.facegate.svc:8001") == DnsName("facegate-headless.facegate.svc", 8001)
    assert DnsName.parse("10.0.0.1:8001") is None
    for bad in ("dns:///no-port", "dns:///:8001", "dns:///host:http"):
        with pytest.raises(ValueError):
            DnsName.parse(bad)


def test_every_address_once_sorted_with_ipv6_bracketed():
    lookup = lambda host, port, type: _answer("10.0.0.2", "10.0.0.1", "10.0.0.2", "fd00::5")  # noqa: E731
    assert DnsName("svc", 8001).resolve(lookup) == ["10.0.0.1:8001", "10.0.0.2:8001", "[fd00::5]:8001"]


def test_replacing_the_nodes_keeps_the_health_of_those_that_stay():
    pool = EndpointPool(["a", "b"], clock=lambda: 0.0)
    pool.report_failure("b")
    assert pool.replace(["b", "c"]) == (["c"], ["a"])
    assert pool.urls == ("b", "c") and pool.healthy() == ("c",)
    with pytest.raises(ValueError):
        pool.replace([])


class _Node:
    def __init__(self, url: str, **arguments) -> None:
        self.url, self.arguments = url, arguments


class _Core(ClientCore):
    node_class = _Node


class _Fleet:
    """The headless Service's answers over time, and the clock."""

    def __init__(self, monkeypatch, *addresses: str) -> None:
        self.addresses, self.now = list(addresses), 0.0
        monkeypatch.setattr(DnsName, "resolve", lambda name: self._lookup(name))

    def _lookup(self, name: DnsName) -> list[str]:
        if self.addresses is None:
            raise socket.gaierror("temporary failure in name resolution")
        return [f"{address}:{name.port}" for address in self.addresses]

    def clock(self) -> float:
        return self.now


def _refresh(core: ClientCore) -> list:
    """What FacegateClient does before each call; the nodes it would close."""
    return core._take_resolution(core._resolve()) if core._resolution_due() else []


def test_one_name_becomes_one_node_per_pod_and_is_resolved_again(monkeypatch):
    fleet = _Fleet(monkeypatch, "10.0.0.1", "10.0.0.2")
    core = _Core("dns:///facegate-headless:8001", ClientOptions(resolve_interval_s=30, timeout_s=10), clock=fleet.clock)
    assert core._pool.urls == ("10.0.0.1:8001", "10.0.0.2:8001")
    fleet.addresses = ["10.0.0.2", "10.0.0.3"]  # a pod replaced
    fleet.now = 29
    assert _refresh(core) == [] and core._pool.urls == ("10.0.0.1:8001", "10.0.0.2:8001")  # not yet due
    fleet.now = 31
    gone = core._nodes["10.0.0.1:8001"]
    assert _refresh(core) == []
    assert core._pool.urls == ("10.0.0.2:8001", "10.0.0.3:8001")
    assert "10.0.0.1:8001" in core._nodes  # calls in flight on it may finish within their deadline
    fleet.now = 62
    assert _refresh(core) == [gone] and "10.0.0.1:8001" not in core._nodes


def test_a_failed_or_empty_resolution_keeps_the_last_nodes(monkeypatch):
    fleet = _Fleet(monkeypatch, "10.0.0.1")
    core = _Core(["dns:///svc:8001", "static:8001"], ClientOptions(resolve_interval_s=5), clock=fleet.clock)
    assert core._pool.urls == ("static:8001", "10.0.0.1:8001")
    for answer in (None, []):
        fleet.addresses, fleet.now = answer, fleet.now + 10
        _refresh(core)
        assert core._pool.urls == ("static:8001", "10.0.0.1:8001")


def test_no_address_at_start_is_unavailable(monkeypatch):
    _Fleet(monkeypatch)
    with pytest.raises(Unavailable):
        _Core("dns:///svc:8001")


def test_tls_checks_the_certificate_against_the_name_not_the_address(monkeypatch, tmp_path):
    _Fleet(monkeypatch, "10.0.0.1")
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    core = _Core(["dns:///facegate-headless:8001", "node:8001"], ClientOptions(tls=Tls(root_certificates=ca)))
    resolved, static = dict(core._nodes["10.0.0.1:8001"].arguments["channel_args"]), dict(
        core._nodes["node:8001"].arguments["channel_args"])
    assert resolved["grpc.ssl_target_name_override"] == "facegate-headless"
    assert "grpc.ssl_target_name_override" not in static


def test_the_asyncio_client_resolves_off_its_event_loop_and_closes_gone_nodes(monkeypatch):
    fleet, threads = _Fleet(monkeypatch, "127.0.0.2", "127.0.0.3"), []
    resolve = DnsName.resolve
    monkeypatch.setattr(DnsName, "resolve", lambda name: threads.append(threading.current_thread()) or resolve(name))
    port = free_ports(1)[0]  # nothing listens: each call fails fast, after the resolution

    async def scenario() -> list:
        client = AsyncFacegateClient(f"dns:///svc:{port}", ClientOptions(resolve_interval_s=1, timeout_s=1))
        client._clock, client._resolved_at = fleet.clock, 0.0
        gone, closed = client._nodes[f"127.0.0.2:{port}"], []
        monkeypatch.setattr(gone, "close", lambda: closed.append(gone) or asyncio.sleep(0))
        fleet.addresses = ["127.0.0.3"]
        for fleet.now in (2.0, 4.0):  # leaves the rotation, then is closed one call deadline later
            with pytest.raises(Unavailable):
                await client.challenge(mirrored=False, timeout=0.5)
            assert client._pool.urls == (f"127.0.0.3:{port}",)
        assert closed == [gone] and f"127.0.0.2:{port}" not in client._nodes
        await client.close()
        return closed

    assert asyncio.run(scenario())
    assert len(threads) == 3 and threads[0] is threading.main_thread()
    assert all(thread is not threading.main_thread() for thread in threads[1:])


def test_a_node_that_left_stays_for_the_longest_deadline_and_a_returning_one_keeps_its_connection(monkeypatch):
    fleet = _Fleet(monkeypatch, "10.0.0.1", "10.0.0.2")
    core = _Core("dns:///svc:8001", ClientOptions(resolve_interval_s=1, timeout_s=10), clock=fleet.clock)
    core._deadline(45)  # a call was given 45 s
    first = core._nodes["10.0.0.1:8001"]
    fleet.addresses, fleet.now = ["10.0.0.2"], 2
    assert _refresh(core) == []
    fleet.addresses, fleet.now = ["10.0.0.1", "10.0.0.2"], 20  # back before it was closed
    assert _refresh(core) == [] and core._nodes["10.0.0.1:8001"] is first
    fleet.addresses, fleet.now = ["10.0.0.2"], 30
    _refresh(core)
    fleet.now = 60  # 30 s after it left: within the 45 s deadline
    assert _refresh(core) == []
    fleet.now = 80
    assert _refresh(core) == [first]
