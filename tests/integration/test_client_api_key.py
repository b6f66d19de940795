"""API keys enforced by Triton's restricted protocols, on a server holding only the challenge model."""

from __future__ import annotations

import base64
import json
import secrets
import urllib.error
import urllib.request

import pytest

from facegate.paths import MODEL_REPOSITORY
from facegate.server import running_server
from facegate.server.config import ApiKey as ServerApiKey
from facegate_client import ApiKey, ClientOptions, FacegateClient, Unauthenticated
from tests.integration.server_fixture import local_config

pytestmark = pytest.mark.integration

HEADER = "x-facegate-api-key"


@pytest.fixture(scope="module")
def guarded_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("guarded")
    repository = root / "models"
    repository.mkdir()
    (repository / "challenge").symlink_to(MODEL_REPOSITORY / "challenge")
    keyring = root / "keyring"
    keyring.write_text(f"k1:{base64.b64encode(secrets.token_bytes(32)).decode()}")
    keyring.chmod(0o600)
    key = secrets.token_urlsafe(24)
    config = local_config(repository, api_key=ServerApiKey(HEADER, key), keyring_file=keyring, log_verbose=0)
    with running_server(config) as server:
        yield server, key


def _client(server, key: str | None) -> FacegateClient:
    options = ClientOptions(timeout_s=20, api_key=ApiKey(key, header=HEADER) if key else None)
    return FacegateClient(server.grpc_url, options)


def test_the_right_key_gets_a_challenge(guarded_server):
    server, key = guarded_server
    with _client(server, key) as client:
        assert client.challenge(mirrored=False).token.startswith("v1.")


@pytest.mark.parametrize("key", [None, "wrong-key-0123456789"])
def test_a_missing_or_wrong_key_is_unauthenticated_and_health_stays_open(guarded_server, key):
    server, _ = guarded_server
    with _client(server, key) as client:
        with pytest.raises(Unauthenticated, match="restricted"):
            client.challenge(mirrored=False)
        assert client.health().ready  # the node was not taken out of rotation either


def test_http_inference_needs_the_key_too(guarded_server):
    server, key = guarded_server
    body = json.dumps({"inputs": [{"name": "REQUEST", "shape": [1], "datatype": "BYTES",
                                   "data": ['{"mirrored": false}']}]}).encode()

    def post(headers: dict[str, str]) -> int:
        request = urllib.request.Request(f"http://{server.http_url}/v2/models/challenge/infer", body,
                                         {"Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    assert post({}) >= 400
    assert post({HEADER: key}) == 200
