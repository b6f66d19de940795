from pathlib import Path

import pytest

from facegate.server.config import ApiKey, ServerConfig, server_arguments


def test_arguments_name_repository_backends_ports_and_shm_prefix(tmp_path):
    config = ServerConfig(model_repository=tmp_path, grpc_port=9101, http_port=9100, metrics_port=9102, log_verbose=1)
    arguments = server_arguments(config, Path("/private/backends"), "facegate_1_ab_")
    assert f"--model-repository={tmp_path.resolve()}" in arguments
    assert "--backend-directory=/private/backends" in arguments
    assert {"--grpc-port=9101", "--http-port=9100", "--metrics-port=9102", "--log-verbose=1"} <= set(arguments)
    assert "--backend-config=python,shm-region-prefix-name=facegate_1_ab_" in arguments
    assert "--exit-on-error=false" in arguments
    assert not any(a.startswith("--model-control-mode") for a in arguments)


def test_clients_reach_a_wildcard_bound_server_on_loopback():
    config = ServerConfig(grpc_port=9101, http_port=9100, metrics_port=9102)
    assert (config.grpc_url, config.http_url) == ("127.0.0.1:9101", "127.0.0.1:9100")
    assert config.metrics_url == "http://127.0.0.1:9102/metrics"
    assert ServerConfig(address="10.0.0.5", grpc_port=1).grpc_url == "10.0.0.5:1"


def test_an_api_key_restricts_grpc_and_http_but_not_health(tmp_path):
    key = ApiKey("x-facegate-api-key", "k" * 16)
    arguments = server_arguments(ServerConfig(api_key=key), tmp_path, "p_")
    restricted = [a for a in arguments if "restricted" in a]
    assert restricted == [
        "--grpc-restricted-protocol=inference,metadata,model-config,statistics,shared-memory,trace,logging:"
        "x-facegate-api-key=kkkkkkkkkkkkkkkk",
        "--http-restricted-api=inference,metadata,model-config,statistics,shared-memory,trace,logging:"
        "x-facegate-api-key=kkkkkkkkkkkkkkkk",
    ]
    assert not any("restricted" in a for a in server_arguments(ServerConfig(), tmp_path, "p_"))
    assert "kkkk" not in repr(key)


def test_api_keys_are_checked():
    for header, value in [("x-k", "short"), ("x-k", "has=equals-sign-x"), ("x-k", "a,comma,in,the,key"),
                          ("Upper", "k" * 16), ("x k", "k" * 16)]:
        with pytest.raises(ValueError):
            ApiKey(header, value)
