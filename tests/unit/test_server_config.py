from pathlib import Path

import pytest

from facegate.server.config import ApiKey, ServerConfig, ServerTls, server_arguments


def test_arguments_name_repository_backends_ports_and_shm_prefix(tmp_path):
    config = ServerConfig(model_repository=tmp_path, grpc_port=9101, http_port=9100, metrics_port=9102, log_verbose=1)
    arguments = server_arguments(config, Path("/private/backends"), "facegate_1_ab_")
    assert f"--model-repository={tmp_path.resolve()}" in arguments
    assert "--backend-directory=/private/backends" in arguments
    assert {"--grpc-port=9101", "--http-port=9100", "--metrics-port=9102", "--log-verbose=1"} <= set(arguments)
    assert "--backend-config=python,shm-region-prefix-name=facegate_1_ab_" in arguments
    assert "--exit-on-error=false" in arguments
    assert {"--model-control-mode=explicit", "--load-model=*"} <= set(arguments)  # the watchdog reloads models


def test_clients_reach_a_wildcard_bound_server_on_loopback():
    config = ServerConfig(grpc_port=9101, http_port=9100, metrics_port=9102)
    assert (config.grpc_url, config.http_url) == ("127.0.0.1:9101", "127.0.0.1:9100")
    assert config.metrics_url == "http://127.0.0.1:9102/metrics"
    assert ServerConfig(address="10.0.0.5", grpc_port=1).grpc_url == "10.0.0.5:1"


def test_the_carrier_key_opens_inference_the_operator_key_the_rest_and_health_stays_open(tmp_path):
    carrier, operator = ApiKey("x-facegate-api-key", "c" * 16), ApiKey("x-facegate-operator-key", "o" * 16)
    arguments = server_arguments(ServerConfig(api_key=carrier, operator_key=operator), tmp_path, "p_")
    restricted = [a for a in arguments if "restricted" in a]
    operator_setting = ("model-repository,model-config,statistics,shared-memory,trace,logging:"
                        "x-facegate-operator-key=oooooooooooooooo")
    assert restricted == [
        "--grpc-restricted-protocol=inference,metadata:x-facegate-api-key=cccccccccccccccc",
        "--http-restricted-api=inference,metadata:x-facegate-api-key=cccccccccccccccc",
        f"--grpc-restricted-protocol={operator_setting}",
        f"--http-restricted-api={operator_setting}",
    ]
    assert not any("health" in a for a in restricted)
    assert not any("restricted" in a for a in server_arguments(ServerConfig(), tmp_path, "p_"))
    assert "cccc" not in repr(carrier)


def test_tls_serves_grpc_with_the_certificate_and_keeps_http_on_loopback(tmp_path):
    tls = ServerTls(Path("/pki/server.pem"), Path("/pki/server.key"))
    config = ServerConfig(address="0.0.0.0", http_port=9100, tls=tls)
    arguments = server_arguments(config, tmp_path, "p_")
    assert {"--grpc-use-ssl=true", "--grpc-server-cert=/pki/server.pem", "--grpc-server-key=/pki/server.key",
            "--grpc-address=0.0.0.0", "--http-address=127.0.0.1"} <= set(arguments)
    assert not any("mutual" in a or "root-cert" in a for a in arguments)
    assert config.http_url == "127.0.0.1:9100"
    assert "--http-address=0.0.0.0" in server_arguments(ServerConfig(), tmp_path, "p_")


def test_mutual_tls_checks_clients_against_the_client_ca(tmp_path):
    tls = ServerTls(Path("/pki/server.pem"), Path("/pki/server.key"), Path("/pki/clients-ca.pem"))
    arguments = server_arguments(ServerConfig(tls=tls), tmp_path, "p_")
    assert {"--grpc-use-ssl-mutual=true", "--grpc-root-cert=/pki/clients-ca.pem"} <= set(arguments)


def test_api_keys_are_checked():
    for header, value in [("x-k", "short"), ("x-k", "has=equals-sign-x"), ("x-k", "a,comma,in,the,key"),
                          ("Upper", "k" * 16), ("x k", "k" * 16)]:
        with pytest.raises(ValueError):
            ApiKey(header, value)
