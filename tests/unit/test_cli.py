from facegate import cli
from facegate.server.ports import free_ports


def test_client_commands_reach_the_client_library_with_their_name(capsys):
    dead = f"127.0.0.1:{free_ports(1)[0]}"
    assert cli.main(["health", "--server", dead]) == 1
    assert f"{dead}: NOT READY" in capsys.readouterr().out


def test_usage_lists_every_command(capsys):
    assert cli.main([]) == 2
    usage = capsys.readouterr().out
    assert all(f"  {name} " in usage for name in ("serve", "challenge", "verify", "health"))
