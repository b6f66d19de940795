from pathlib import Path

from facegate.server.cli import parse_args
from facegate.server.config import Device, ServerConfig


def test_defaults_are_tritons_ports_on_the_projects_repository():
    assert parse_args([]) == ServerConfig()


def test_options_map_onto_the_server_config():
    config = parse_args(
        ["--model-repository", "/srv/models", "--grpc-port", "9001", "--http-port", "9000", "--metrics-port", "9002",
         "--address", "127.0.0.1", "--device", "cpu", "--log-verbose", "2", "--startup-timeout", "30"]
    )
    assert config == ServerConfig(
        model_repository=Path("/srv/models"), grpc_port=9001, http_port=9000, metrics_port=9002,
        address="127.0.0.1", device=Device.CPU, log_verbose=2, startup_timeout_s=30.0,
    )
