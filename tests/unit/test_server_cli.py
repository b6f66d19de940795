from pathlib import Path

import pytest

from facegate.server.cli import parse_args
from facegate.server.config import Device, RecyclePolicy, ServerConfig, ServerTls, ShmIsolation, server_arguments
from python_backends.decision import AttemptPolicy


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


def test_service_options(tmp_path):
    config = parse_args(["--keyring-file", str(tmp_path / "k"), "--state-dir", str(tmp_path / "s"),
                         "--allow-requested-actions", "--allow-embeddings"])
    assert config.keyring_file == tmp_path / "k" and config.state_dir == tmp_path / "s"
    assert config.allow_requested_actions and config.allow_embeddings
    assert not parse_args([]).allow_requested_actions and not parse_args([]).allow_embeddings


def test_fleet_options(tmp_path, monkeypatch):
    monkeypatch.delenv("FACEGATE_TOKEN_STORE", raising=False)
    monkeypatch.delenv("FACEGATE_TOKEN_STORE_CA_FILE", raising=False)
    (tmp_path / "ca.pem").write_text("pem")
    config = parse_args(["--token-store", "rediss://redis.internal:6380/2", "--token-store-ca-file",
                         str(tmp_path / "ca.pem"), "--attempt-limit", "3", "--attempt-window", "60", "--lockout", "10",
                         "--readiness-port", "8003", "--decision-only", "--token-store-replicas", "1"])
    assert config.token_store == "rediss://redis.internal:6380/2" and config.token_store_ca_file == tmp_path / "ca.pem"
    assert config.attempts == AttemptPolicy(3, 60, 10) and config.readiness_port == 8003 and config.decision_only
    assert config.token_store_replicas == 1
    defaults = parse_args([])
    assert defaults.token_store is None and defaults.attempts == AttemptPolicy() and not defaults.decision_only
    monkeypatch.setenv("FACEGATE_TOKEN_STORE", "redis://:pw@redis.internal:6379/0")
    assert parse_args([]).token_store == "redis://:pw@redis.internal:6379/0"


@pytest.mark.parametrize("arguments", [
    ["--token-store", "redis://:pw@redis.internal:6379/0"],  # a password on the command line
    ["--token-store", "http://redis.internal/"],
    ["--token-store", "redis://redis.internal:6379/0", "--token-store-ca-file", "/nonexistent.pem"],
    ["--lockout", "0"],
    ["--token-store-replicas", "-1"],
])
def test_unusable_fleet_options_stop_the_command(arguments, capsys, monkeypatch):
    monkeypatch.delenv("FACEGATE_TOKEN_STORE", raising=False)
    with pytest.raises(SystemExit):
        parse_args(arguments)
    assert "pw@" not in capsys.readouterr().err


def test_api_key_from_a_file_or_the_environment_never_argv(tmp_path, monkeypatch):
    monkeypatch.delenv("FACEGATE_API_KEY", raising=False)
    assert parse_args([]).api_key is None
    path = tmp_path / "api-key"
    path.write_text("from-file-0123456789\n")
    config = parse_args(["--api-key-file", str(path), "--api-key-header", "x-carrier-key"])
    assert (config.api_key.header, config.api_key.value) == ("x-carrier-key", "from-file-0123456789")
    monkeypatch.setenv("FACEGATE_API_KEY", "from-env-0123456789")
    assert parse_args([]).api_key.value == "from-env-0123456789"


def test_the_operator_key_has_its_own_file_variable_and_header(tmp_path, monkeypatch):
    monkeypatch.delenv("FACEGATE_OPERATOR_KEY", raising=False)
    assert parse_args([]).operator_key is None
    monkeypatch.setenv("FACEGATE_OPERATOR_KEY", "operator-0123456789")
    key = parse_args([]).operator_key
    assert (key.header, key.value) == ("x-facegate-operator-key", "operator-0123456789")
    path = tmp_path / "operator-key"
    path.write_text("op-from-file-0123456789")
    assert parse_args(["--operator-key-file", str(path)]).operator_key.value == "op-from-file-0123456789"


def test_tls_options_need_a_certificate_and_its_key(tmp_path):
    cert, key, ca = (tmp_path / name for name in ("server.pem", "server.key", "ca.pem"))
    for path in (cert, key, ca):
        path.write_text("pem")
    assert parse_args([]).tls is None
    assert parse_args(["--tls-cert-file", str(cert), "--tls-key-file", str(key)]).tls == ServerTls(cert, key)
    assert parse_args(["--tls-cert-file", str(cert), "--tls-key-file", str(key),
                       "--tls-client-ca-file", str(ca)]).tls == ServerTls(cert, key, ca)
    for partial in (["--tls-cert-file", str(cert)], ["--tls-client-ca-file", str(ca)],
                    ["--tls-cert-file", str(cert), "--tls-key-file", str(tmp_path / "missing")]):
        with pytest.raises(SystemExit):
            parse_args(partial)


def test_an_unusable_api_key_stops_the_command(tmp_path):
    path = tmp_path / "api-key"
    path.write_text("short")
    with pytest.raises(SystemExit):
        parse_args(["--api-key-file", str(path)])
    with pytest.raises(SystemExit):
        parse_args(["--api-key-file", str(tmp_path / "missing")])


def test_grpc_connection_age_is_passed_to_triton_in_milliseconds(tmp_path):
    config = parse_args(["--grpc-max-connection-age", "300", "--grpc-max-connection-age-grace", "45.5"])
    assert (config.max_connection_age_s, config.max_connection_age_grace_s) == (300.0, 45.5)
    arguments = server_arguments(config, tmp_path, "p_")
    assert "--grpc-max-connection-age=300000" in arguments
    assert "--grpc-max-connection-age-grace=45500" in arguments
    assert not any("connection-age" in argument for argument in server_arguments(parse_args([]), tmp_path, "p_"))


@pytest.mark.parametrize("value", ["0", "-5", "inf", "nan", "soon"])
def test_grpc_connection_age_must_be_positive_seconds(value, capsys):
    with pytest.raises(SystemExit):
        parse_args(["--grpc-max-connection-age", value])
    assert "--grpc-max-connection-age" in capsys.readouterr().err


def test_shm_isolation_defaults_to_the_private_namespace():
    assert parse_args([]).shm_isolation is ShmIsolation.NAMESPACE
    assert parse_args(["--shm-isolation", "pod"]).shm_isolation is ShmIsolation.POD


def test_shm_recycling_options():
    assert parse_args([]).shm_recycling == RecyclePolicy()
    assert parse_args(["--shm-recycle-mb", "64", "--shm-recycle-idle", "30"]).shm_recycling == RecyclePolicy(64.0, 30.0)
