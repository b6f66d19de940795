from pathlib import Path

from facegate.server.config import ServerConfig, server_arguments


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
