import pytest
from tritonclient.utils import InferenceServerException

from facegate_client.errors import (
    DeadlineExceeded,
    InvalidInput,
    ServerError,
    Unauthenticated,
    Unavailable,
    map_error,
    never_sent,
)

REFUSED = "failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:1: Connection refused"


def _grpc_error(code: str, message: str = "boom") -> InferenceServerException:
    return InferenceServerException(msg=message, status=f"StatusCode.{code}")


@pytest.mark.parametrize(
    "code, kind",
    [
        ("INVALID_ARGUMENT", InvalidInput),
        ("UNAUTHENTICATED", Unauthenticated),
        ("PERMISSION_DENIED", Unauthenticated),
        ("UNAVAILABLE", Unavailable),
        ("DEADLINE_EXCEEDED", DeadlineExceeded),
        ("INTERNAL", ServerError),
        ("NOT_FOUND", ServerError),
    ],
)
def test_status_codes_map_to_typed_errors(code, kind):
    error = map_error(_grpc_error(code, "details"), request_id="r-1")
    assert type(error) is kind
    assert (error.status, error.request_id, str(error)) == (code, "r-1", "details")


def test_a_refused_api_key_is_unauthenticated_though_triton_says_unavailable():
    message = "This protocol is restricted, expecting header 'triton-grpc-protocol-x-facegate-api-key'"
    error = _grpc_error("UNAVAILABLE", message)
    assert type(map_error(error)) is Unauthenticated and not never_sent(error)


def test_an_error_without_status_is_a_server_error():
    error = map_error(InferenceServerException(msg="no status"))
    assert type(error) is ServerError and error.status is None


def test_only_a_failed_connection_counts_as_never_sent():
    assert never_sent(_grpc_error("UNAVAILABLE", REFUSED))
    assert not never_sent(_grpc_error("UNAVAILABLE", "Socket closed"))  # may have reached the model
    assert not never_sent(_grpc_error("DEADLINE_EXCEEDED", "Deadline Exceeded"))
    assert not never_sent(_grpc_error("INTERNAL", REFUSED))
