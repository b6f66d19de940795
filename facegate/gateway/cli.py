"""`facegate gateway`: serve the reference capture page and its HTTP API in front of facegate servers.

A reference, not a product: a carrier adds its own login, binds the ID photo to the subscriber's
registration on its side, and rate-limits (docs/capture-page.md).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from facegate.gateway.app import create_app
from facegate.gateway.config import CAPTURE_MODES, CaptureSettings, GatewayConfig, Https
from facegate_client.cli import action_list, add_connection_options, client_options, servers
from python_backends.core_dumps import forbid_core_dumps


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="facegate gateway", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--https-cert-file", type=Path, metavar="PEM", help="serve HTTPS with this certificate chain")
    parser.add_argument("--https-key-file", type=Path, metavar="PEM", help="and this private key")
    parser.add_argument("--demo-actions", type=action_list, metavar="A,B[,C]",
                        help="always ask for this action order (demo and tests: the facegate server must run "
                             "with --allow-requested-actions); never in production")
    parser.add_argument("--capture-mode", choices=CAPTURE_MODES, default=CaptureSettings.mode,
                        help="what the page sends: JPEG frames, or the camera's video as recorded (default frames)")
    parser.add_argument("--max-verifications-in-flight", type=int, default=GatewayConfig.max_verifications_in_flight,
                        metavar="N", help="verify uploads read and sent at once; the others wait unread "
                                          f"(default {GatewayConfig.max_verifications_in_flight})")
    add_connection_options(parser)
    return parser


def gateway_config(args: argparse.Namespace) -> GatewayConfig:
    if (args.https_cert_file is None) != (args.https_key_file is None):
        raise ValueError("HTTPS needs both --https-cert-file and --https-key-file")
    https = Https(args.https_cert_file, args.https_key_file) if args.https_cert_file else None
    if args.max_verifications_in_flight < 1:
        raise ValueError("--max-verifications-in-flight must be at least 1")
    return GatewayConfig(servers=tuple(servers(args)), client=client_options(args), host=args.host, port=args.port,
                         https=https, demo_actions=tuple(args.demo_actions) if args.demo_actions else None,
                         capture=CaptureSettings(mode=args.capture_mode),
                         max_verifications_in_flight=args.max_verifications_in_flight)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = gateway_config(args)
    except (ValueError, OSError) as error:
        print(f"facegate gateway: {' '.join(str(error).split())}", file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    forbid_core_dumps()  # it holds uploaded photos and clips in memory
    uvicorn.run(create_app(config), host=config.host, port=config.port, log_level="info", server_header=False,
                ssl_certfile=str(config.https.cert_file) if config.https else None,
                ssl_keyfile=str(config.https.key_file) if config.https else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
