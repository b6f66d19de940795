"""The carrier key (inference) and the operator key (model control and the rest), enforced by Triton's
restricted protocols, on a server holding only the challenge model."""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request

import pytest
import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

from facegate.server.config import ApiKey as ServerApiKey
from facegate.server.watchdog import POLL_S
from facegate_client import ApiKey, ClientOptions, FacegateClient, Unauthenticated
from tests.integration.server_fixture import challenge_only_server

pytestmark = pytest.mark.integration

CARRIER_HEADER = "x-facegate-api-key"
OPERATOR_HEADER = "x-facegate-operator-key"
RESTRICTED = "This protocol is restricted"


@pytest.fixture(scope="module")
def guarded_server(tmp_path_factory):
    carrier, operator = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    keys = {"api_key": ServerApiKey(CARRIER_HEADER, carrier), "operator_key": ServerApiKey(OPERATOR_HEADER, operator)}
    with challenge_only_server(tmp_path_factory.mktemp("guarded"), **keys) as server:
        yield server, carrier, operator


def _client(server, key: str | None) -> FacegateClient:
    options = ClientOptions(timeout_s=20, api_key=ApiKey(key, header=CARRIER_HEADER) if key else None)
    return FacegateClient(server.grpc_url, options)


def test_the_right_key_gets_a_challenge(guarded_server):
    server, carrier, _ = guarded_server
    with _client(server, carrier) as client:
        assert client.challenge(mirrored=False).token.startswith("v1.")


@pytest.mark.parametrize("key", [None, "wrong-key-0123456789"])
def test_a_missing_or_wrong_key_is_unauthenticated_and_health_stays_open(guarded_server, key):
    server, _, operator = guarded_server
    for attempt in (key, operator):  # the operator key does not open inference either
        with _client(server, attempt) as client:
            with pytest.raises(Unauthenticated, match="restricted"):
                client.challenge(mirrored=False)
            assert client.health().ready  # the node was not taken out of rotation either


def _model_control_error(server, metadata: dict[str, str]) -> str:
    """What unloading a model answers: the restricted-protocol error, or "unloaded"."""
    with grpcclient.InferenceServerClient(server.grpc_url) as client:
        try:
            client.unload_model("challenge", headers=metadata)
        except InferenceServerException as error:
            return error.message()
    return "unloaded"


def test_model_control_needs_the_operator_key_not_the_carrier_key(guarded_server):
    server, carrier, operator = guarded_server
    carrier_metadata = ApiKey(carrier, header=CARRIER_HEADER).metadata()
    operator_metadata = ApiKey(operator, header=OPERATOR_HEADER).metadata()
    assert RESTRICTED in _model_control_error(server, carrier_metadata)
    assert RESTRICTED in _model_control_error(server, {})
    assert _model_control_error(server, operator_metadata) == "unloaded"
    with grpcclient.InferenceServerClient(server.grpc_url) as client:
        time.sleep(2 * POLL_S)
        assert not client.is_model_ready("challenge"), "the watchdog leaves a model the operator unloaded"
        with pytest.raises(InferenceServerException, match=RESTRICTED):
            client.load_model("challenge", headers=carrier_metadata)
        client.load_model("challenge", headers=operator_metadata)
        with pytest.raises(InferenceServerException, match=RESTRICTED):
            client.get_model_repository_index(headers=carrier_metadata)
        with pytest.raises(InferenceServerException, match=RESTRICTED):
            client.get_inference_statistics(headers=carrier_metadata)
        index = client.get_model_repository_index(headers=operator_metadata, as_json=True)
        assert [model["name"] for model in index["models"]] == ["challenge"]
        assert client.is_model_ready("challenge")  # loaded again


def test_http_inference_needs_the_carrier_key_too(guarded_server):
    server, carrier, operator = guarded_server
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
    assert post({OPERATOR_HEADER: operator}) >= 400
    assert post({CARRIER_HEADER: carrier}) == 200
