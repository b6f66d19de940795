"""Fixtures shared by the integration tests of the `challenge` and `verify` models."""

from __future__ import annotations

import pytest
import tritonclient.grpc as grpcclient

from python_backends.decision import load_keyring


@pytest.fixture(scope="module")
def client(triton_server):
    with grpcclient.InferenceServerClient(triton_server.grpc_url) as client:
        yield client


@pytest.fixture(scope="module")
def keyring(triton_server):
    return load_keyring({"FACEGATE_KEYRING_FILE": str(triton_server.config.keyring_file)})
