"""One DNS name standing for a fleet: `dns:///host:port` (gRPC's own spelling of a DNS target).

Typically a Kubernetes headless Service, whose name resolves to the address of every ready pod.
The client resolves it when it starts and again every `resolve_interval_s`, and treats each address
as a node of its rotation, so that calls spread over all pods (one connection to a Service's virtual
IP would carry every call to one pod) and pods that come and go join and leave the rotation.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass

DNS_SCHEME = "dns:///"

Lookup = Callable[..., list]


@dataclass(frozen=True)
class DnsName:
    host: str
    port: int

    @classmethod
    def parse(cls, url: str) -> DnsName | None:
        """The name in `dns:///host:port`; None for a plain `host:port` node."""
        if not url.startswith(DNS_SCHEME):
            return None
        host, separator, port = url[len(DNS_SCHEME):].rpartition(":")
        if not separator or not host or not port.isdigit():
            raise ValueError(f"{url}: a DNS target is dns:///host:port")
        return cls(host, int(port))

    def resolve(self, lookup: Lookup | None = None) -> list[str]:
        """Every address the name has now, as sorted `ip:port` (`[ip]:port` for IPv6). Raises OSError.
        `lookup`: socket.getaddrinfo (the system's resolver) unless given."""
        answers = (lookup or socket.getaddrinfo)(self.host, self.port, type=socket.SOCK_STREAM)
        addresses = {f"[{info[4][0]}]" if info[0] == socket.AF_INET6 else info[4][0] for info in answers}
        return sorted(f"{address}:{self.port}" for address in addresses)
