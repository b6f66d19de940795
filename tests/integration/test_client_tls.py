"""gRPC over TLS and mutual TLS, with certificates made here, on servers holding only the challenge model."""

from __future__ import annotations

import pytest

from facegate.server.config import ServerTls
from facegate_client import ClientOptions, FacegateClient, Tls, Unavailable
from tests.integration.pki import Identity, issue, make_ca
from tests.integration.server_fixture import challenge_only_server

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> dict[str, Identity]:
    directory = tmp_path_factory.mktemp("pki")
    ca, other_ca = make_ca(directory, "facegate-ca"), make_ca(directory, "other-ca")
    return {
        "ca": ca,
        "other_ca": other_ca,
        "server": issue(ca, directory, "server", server=True),
        "client": issue(ca, directory, "carrier", server=False),
        "intruder": issue(other_ca, directory, "intruder", server=False),
    }


def _token_or_error(url: str, tls: Tls | None) -> str:
    with FacegateClient(url, ClientOptions(timeout_s=10, tls=tls)) as client:
        try:
            return client.challenge(mirrored=False).token[:3]
        except Unavailable as error:
            return f"Unavailable: {error}"


def test_tls_admits_clients_that_trust_its_ca_only(pki, tmp_path):
    tls = ServerTls(pki["server"].cert, pki["server"].key)
    with challenge_only_server(tmp_path, tls=tls) as server:
        assert _token_or_error(server.grpc_url, Tls(pki["ca"].cert)) == "v1."
        assert "Socket closed" in _token_or_error(server.grpc_url, None)  # plain text
        assert "CERTIFICATE_VERIFY_FAILED" in _token_or_error(server.grpc_url, Tls(pki["other_ca"].cert))
        with FacegateClient(server.grpc_url, ClientOptions(tls=Tls(pki["ca"].cert))) as client:
            assert client.health().ready


def test_mutual_tls_refuses_a_client_certificate_from_another_ca(pki, tmp_path):
    tls = ServerTls(pki["server"].cert, pki["server"].key, client_ca_file=pki["ca"].cert)
    with challenge_only_server(tmp_path, tls=tls) as server:
        carrier = Tls(pki["ca"].cert, private_key=pki["client"].key, certificate_chain=pki["client"].cert)
        intruder = Tls(pki["ca"].cert, private_key=pki["intruder"].key, certificate_chain=pki["intruder"].cert)
        assert _token_or_error(server.grpc_url, carrier) == "v1."
        assert _token_or_error(server.grpc_url, intruder).startswith("Unavailable")
        assert _token_or_error(server.grpc_url, Tls(pki["ca"].cert)).startswith("Unavailable")  # no certificate
