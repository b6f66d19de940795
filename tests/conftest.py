"""Suite-wide fixtures: one real Triton server on the real model repository per test session."""

from __future__ import annotations

import pytest

from tests.integration.server_fixture import suite_server


@pytest.fixture(scope="session")
def triton_server():
    """The real server with every model READY; stopped when the session ends."""
    with suite_server() as server:
        yield server
