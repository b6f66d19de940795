import json

import pytest

from facegate.server.ports import free_ports
from facegate_client import cli
from facegate_client.results import parse_challenge, parse_result

RESULT = {
    "decision": "RETRY",
    "reasons": [{"code": "NO_BLINK", "decision": "RETRY", "message": "no blink was seen"}],
    "match": {"score": 0.8123, "threshold": 0.5},
    "liveness": {"challenge": ["blink", "turn_left"], "actions": [{"action": "turn_left", "frames": [3, 4],
                 "peak_frame": 4}], "blink_count": 0, "yaw_range": [-2.0, 14.0], "spoof_score": 0.1,
                 "spoof_threshold": 0.5},
    "request_id": "order-7",
    "timings_ms": {"total": 812.4},
}


def parse(*argv: str):
    return cli._parser().parse_args(list(argv))


def test_verify_needs_an_id_photo_and_exactly_one_clip(capsys):
    for argv in (["verify", "--frames", "a.jpg"], ["verify", "--id-photo", "id.jpg"],
                 ["verify", "--id-photo", "id.jpg", "--video", "v.mp4", "--frames", "a.jpg"]):
        with pytest.raises(SystemExit) as raised:
            parse(*argv)
        assert raised.value.code == 2
    args = parse("verify", "--id-photo", "id.jpg", "--frames", "a.jpg", "b.jpg", "--server", "h1:1", "--server", "h2:2")
    assert [str(p) for p in args.frames] == ["a.jpg", "b.jpg"] and cli.servers(args) == ["h1:1", "h2:2"]


def test_actions_are_a_checked_comma_separated_list():
    assert parse("challenge", "--actions", "blink, turn_left").actions == ["blink", "turn_left"]
    with pytest.raises(SystemExit):
        parse("challenge", "--actions", "blink,wave")


def test_challenge_and_verify_take_subject_and_device():
    for command in (["challenge"], ["verify", "--id-photo", "id.jpg", "--frames", "a.jpg"]):
        args = parse(*command, "--subject", "hmac-4711", "--device", "handset-9")
        assert (args.subject, args.device) == ("hmac-4711", "handset-9")
    assert parse("challenge").subject is None


def test_the_default_server_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("FACEGATE_SERVER", raising=False)
    assert cli.servers(parse("health")) == ["127.0.0.1:8001"]
    monkeypatch.setenv("FACEGATE_SERVER", "node:9")
    assert cli.servers(parse("health")) == ["node:9"]


def test_tls_and_key_options(monkeypatch, tmp_path):
    monkeypatch.delenv("FACEGATE_API_KEY", raising=False)
    options = cli.client_options(parse("health"))
    assert options.tls is None and options.api_key is None
    key_file = tmp_path / "key"
    key_file.write_text("carrier-key\n")
    options = cli.client_options(parse("health", "--tls-ca-file", "ca.pem", "--tls-cert-file", "c.pem",
                                       "--tls-key-file", "c.key", "--api-key-file", str(key_file)))
    assert options.tls.client_arguments() == {"ssl": True, "root_certificates": "ca.pem", "private_key": "c.key",
                                              "certificate_chain": "c.pem"}
    assert options.api_key.value == "carrier-key"
    monkeypatch.setenv("FACEGATE_API_KEY", "from-env")
    assert cli.client_options(parse("health", "--tls")).api_key.value == "from-env"
    with pytest.raises(ValueError, match="both"):
        cli.client_options(parse("health", "--tls-cert-file", "c.pem"))


def test_a_result_is_described_in_lines_with_its_reasons():
    text = cli.describe_result(parse_result(json.dumps(RESULT).encode(), "order-7"))
    assert text.splitlines() == [
        "decision: RETRY",
        "  NO_BLINK (RETRY): no blink was seen",
        "match: 0.812 (threshold 0.5)",
        "liveness: challenge blink, turn_left; performed turn_left; blinks 0; yaw range [-2.0, 14.0]; "
        "spoof 0.1 (threshold 0.5)",
        "request_id: order-7  (812 ms)",
    ]


def test_a_challenge_document_uses_the_api_field_names():
    challenge = parse_challenge(json.dumps({"token": "v1.k.p.m", "actions": ["blink", "turn_right"],
                                            "mirrored": True, "expires_at": 5, "key_id": "k"}).encode())
    assert cli.challenge_document(challenge) == {"token": "v1.k.p.m", "actions": ["blink", "turn_right"],
                                                 "mirrored": True, "expires_at": 5, "key_id": "k"}
    assert cli.describe_challenge(challenge).splitlines()[0] == "actions: blink, turn_right"


def test_errors_exit_1_with_one_line(tmp_path, capsys):
    dead = f"127.0.0.1:{free_ports(1)[0]}"
    assert cli.main(["verify", "--id-photo", str(tmp_path / "missing.jpg"), "--frames", "a.jpg", "--server", dead]) == 1
    message = capsys.readouterr().err
    assert message.startswith("facegate verify: InvalidInput: ") and message.count("\n") == 1
    assert cli.main(["challenge", "--server", dead, "--timeout", "5"]) == 1
    assert capsys.readouterr().err.startswith("facegate challenge: Unavailable: ")
    assert cli.main(["health", "--server", dead, "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["endpoints"][0]["ready"] is False
