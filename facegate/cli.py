"""The `facegate` command: dispatches to the subcommand modules, imported lazily."""

from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "models": ("facegate.model_build.build", "`facegate models build`: fetch, convert and check the ONNX models"),
    "serve": ("facegate.server.cli", "start Triton with facegate's model repository"),
    "probe": ("facegate.server.probe", "exit 0 when the server on this host is live / ready (Kubernetes probes)"),
    "keyring": ("facegate.server.keyring_cli", "create or rotate the challenge keyring file serve reads"),
    "demo": ("facegate.demo", "start a server and send real face images through it"),
    "calibrate": ("facegate.calibration.run", "score genuine and impostor pairs of the test assets: the match threshold"),
    "evaluate": ("facegate.evaluation.run", "real clips and photo sets against hand labels: docs/accuracy.md"),
    "gateway": ("facegate.gateway.cli", "serve the reference capture page in front of facegate servers"),
    "challenge": ("facegate_client.cli", "get a signed challenge from a server"),
    "verify": ("facegate_client.cli", "verify an ID photo against a selfie clip on a server"),
    "health": ("facegate_client.cli", "exit 0 only when every endpoint and model is ready"),
}
CLIENT_COMMANDS = ("challenge", "verify", "health")
"""Served by the client library's own command line, which takes the command name first."""


def _usage() -> str:
    lines = ["usage: facegate COMMAND [options]", "", "commands:"]
    lines += [f"  {name:<10} {help_text}" for name, (_, help_text) in COMMANDS.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help") or args[0] not in COMMANDS:
        print(_usage(), file=sys.stderr if args and args[0] not in ("-h", "--help") else sys.stdout)
        return 0 if args and args[0] in ("-h", "--help") else 2
    rest = args[1:]
    if args[0] == "models":
        if not rest or rest[0] != "build":
            print("usage: facegate models build [--force]", file=sys.stderr)
            return 2
        rest = rest[1:]
    if args[0] in CLIENT_COMMANDS:
        rest = args
    module = importlib.import_module(COMMANDS[args[0]][0])
    return int(module.main(rest) or 0)


if __name__ == "__main__":
    sys.exit(main())
