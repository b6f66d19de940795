import pytest

from facegate_client.options import ClientOptions, endpoint_list
from facegate_client.security import ApiKey, Tls


def test_endpoints_from_a_list_or_a_comma_separated_string():
    assert endpoint_list("a:1, b:2,") == ["a:1", "b:2"]
    assert endpoint_list(["a:1"]) == ["a:1"]


def test_options_make_connection_arguments_and_metadata():
    arguments = ClientOptions(max_probe_interval_s=4).connection_arguments()
    assert set(arguments) == {"channel_args"} and ClientOptions().metadata() == {}
    assert dict(arguments["channel_args"]) == {"grpc.max_send_message_length": 2**31 - 1,
                                               "grpc.max_receive_message_length": 2**31 - 1,
                                               "grpc.max_reconnect_backoff_ms": 4000}
    options = ClientOptions(tls=Tls(), api_key=ApiKey("k", header="x-k"))
    assert options.connection_arguments()["ssl"] is True
    assert options.metadata() == {"triton-grpc-protocol-x-k": "k"}


@pytest.mark.parametrize("bad", [{"timeout_s": 0}, {"probe_timeout_s": -1}, {"max_in_flight": 0},
                                 {"probe_interval_s": 0}, {"probe_interval_s": 5, "max_probe_interval_s": 2}])
def test_options_are_checked(bad):
    with pytest.raises(ValueError):
        ClientOptions(**bad)
