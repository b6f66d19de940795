import pytest

from facegate_client.security import API_KEY_HEADER, ApiKey, Tls

SENT_HEADER = "triton-grpc-protocol-" + API_KEY_HEADER


def test_tls_arguments_name_only_given_files(tmp_path):
    assert Tls().client_arguments() == {"ssl": True}
    ca, key, cert = tmp_path / "ca.pem", tmp_path / "key.pem", tmp_path / "cert.pem"
    assert Tls(ca, key, cert).client_arguments() == {
        "ssl": True, "root_certificates": str(ca), "private_key": str(key), "certificate_chain": str(cert)}


def test_mutual_tls_needs_key_and_chain(tmp_path):
    with pytest.raises(ValueError, match="both"):
        Tls(private_key=tmp_path / "key.pem")


def test_api_key_from_env_and_file(monkeypatch, tmp_path):
    monkeypatch.setenv("FACEGATE_API_KEY", "s3cret\n")
    assert ApiKey.from_env().metadata() == {SENT_HEADER: "s3cret"}
    path = tmp_path / "key"
    path.write_text("filekey\n")
    assert ApiKey.from_file(path, header="x-other").metadata() == {"triton-grpc-protocol-x-other": "filekey"}
    monkeypatch.delenv("FACEGATE_API_KEY")
    with pytest.raises(ValueError, match="FACEGATE_API_KEY"):
        ApiKey.from_env()


def test_api_key_is_not_in_repr_and_must_be_header_safe():
    assert "hidden" not in repr(ApiKey("hidden"))
    for bad in ("", "two words", "line\nbreak"):
        with pytest.raises(ValueError):
            ApiKey(bad)
    with pytest.raises(ValueError):
        ApiKey("k", header="Upper-Case")
