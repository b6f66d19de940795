"""`facegate serve`: run Triton on the model repository until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import signal
import sys
from pathlib import Path
from typing import Sequence
from urllib.parse import urlsplit

from facegate.server.config import (CARRIER_KEY_HEADER, OPERATOR_KEY_HEADER, ApiKey, Device, RecyclePolicy,
                                    ServerConfig, ServerTls, ShmIsolation)
from facegate.server.launcher import running_server
from facegate.server.readiness import ServerStartError
from facegate.server.readiness_endpoint import serving_readiness
from python_backends.decision import AttemptPolicy, StoreLocation, open_token_store
from python_backends.verify.settings import TOKEN_STORE_CA_FILE_ENV, TOKEN_STORE_ENV

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
API_KEY_ENV = "FACEGATE_API_KEY"
OPERATOR_KEY_ENV = "FACEGATE_OPERATOR_KEY"


class _Interrupted(Exception):
    """A stop signal arrived while the server was still starting."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def parse_args(argv: Sequence[str] | None) -> ServerConfig:
    defaults = ServerConfig()
    parser = argparse.ArgumentParser(prog="facegate serve", description=__doc__)
    parser.add_argument("--model-repository", type=Path, default=defaults.model_repository)
    parser.add_argument("--grpc-port", type=int, default=defaults.grpc_port)
    parser.add_argument("--http-port", type=int, default=defaults.http_port)
    parser.add_argument("--metrics-port", type=int, default=defaults.metrics_port)
    parser.add_argument("--address", default=defaults.address, help="address the endpoints bind to")
    parser.add_argument("--device", choices=[d.value for d in Device], default=defaults.device.value)
    parser.add_argument("--log-verbose", type=int, default=defaults.log_verbose, metavar="N")
    parser.add_argument("--startup-timeout", type=float, default=defaults.startup_timeout_s, metavar="SECONDS")
    parser.add_argument("--keyring-file", type=Path, metavar="PATH",
                        help="challenge keyring `kid:base64secret,...` (chmod 600); default: $FACEGATE_KEYRING")
    parser.add_argument("--state-dir", type=Path, metavar="PATH",
                        help="private directory of used challenge nonces; default: a temporary one")
    parser.add_argument("--token-store", metavar="URL",
                        help="redis://host:port/db or rediss://... (TLS): the token and attempt store a fleet shares; "
                             f"default ${TOKEN_STORE_ENV} (put a password there, never on the command line); "
                             "none: SQLite in --state-dir (one node)")
    parser.add_argument("--token-store-ca-file", type=Path, metavar="PEM",
                        help=f"CA of a rediss:// token store; default ${TOKEN_STORE_CA_FILE_ENV}, else the system's CAs")
    parser.add_argument("--token-store-replicas", type=int, default=0, metavar="N",
                        help="Redis replicas that must acknowledge each spent token (WAIT); unacknowledged: "
                             "SERVICE_UNAVAILABLE (see docs/fleet.md on failover)")
    parser.add_argument("--attempt-limit", type=int, default=AttemptPolicy.limit, metavar="N",
                        help="failed verifications of one subscriber or device that lock it out")
    parser.add_argument("--attempt-window", type=int, default=AttemptPolicy.window_s, metavar="SECONDS",
                        help="... within this many seconds")
    parser.add_argument("--lockout", type=int, default=AttemptPolicy.lockout_s, metavar="SECONDS",
                        help="how long challenge then refuses that subscriber or device")
    parser.add_argument("--readiness-port", type=int, metavar="PORT",
                        help="serve GET /ready (Triton ready and the token store answering) on --address:PORT")
    parser.add_argument("--decision-only", action="store_true",
                        help="verify answers the decision and reason codes only: no scores, no evidence")
    parser.add_argument("--allow-requested-actions", action="store_true",
                        help="demo only: challenge callers may choose the action order")
    parser.add_argument("--allow-embeddings", action="store_true",
                        help="verify callers may ask for the face embeddings in the answer")
    parser.add_argument("--api-key-file", type=Path, metavar="PATH",
                        help=f"the carrier key (file content), required for inference and metadata; "
                             f"default: ${API_KEY_ENV}")
    parser.add_argument("--api-key-header", default=CARRIER_KEY_HEADER, metavar="NAME",
                        help="gRPC callers send the key as metadata triton-grpc-protocol-NAME, HTTP callers as NAME")
    parser.add_argument("--operator-key-file", type=Path, metavar="PATH",
                        help="the operator key, required for model control, statistics, shared memory, trace and "
                             f"logging; default: ${OPERATOR_KEY_ENV}; with a carrier key and none, those stay locked")
    parser.add_argument("--operator-key-header", default=OPERATOR_KEY_HEADER, metavar="NAME")
    parser.add_argument("--tls-cert-file", type=Path, metavar="PEM", help="serve gRPC over TLS with this certificate")
    parser.add_argument("--tls-key-file", type=Path, metavar="PEM", help="the certificate's private key")
    parser.add_argument("--tls-client-ca-file", type=Path, metavar="PEM",
                        help="mutual TLS: admit only gRPC clients whose certificate this CA signed")
    parser.add_argument("--grpc-max-connection-age", type=_positive_seconds, metavar="SECONDS",
                        help="close gRPC connections this old, so clients reconnect and spread over a fleet's "
                             "nodes again; default: never")
    parser.add_argument("--grpc-max-connection-age-grace", type=_positive_seconds, metavar="SECONDS",
                        help="calls in flight on an aged connection may run this much longer (longer than "
                             "the longest verify)")
    parser.add_argument("--shm-isolation", choices=[i.value for i in ShmIsolation], default=ShmIsolation.NAMESPACE.value,
                        help="where Triton's request regions live: 'namespace' (a private tmpfs in the server's own "
                             "mount namespace) or 'pod' (the container's own /dev/shm; Kubernetes, where seccomp "
                             "refuses unshare)")
    parser.add_argument("--shm-recycle-mb", type=float, default=RecyclePolicy.limit_mb, metavar="MB",
                        help="once the server is idle, reload a model one of whose processes keeps more shared memory "
                             "than this after a burst (its regions never shrink otherwise)")
    parser.add_argument("--shm-recycle-idle", type=_positive_seconds, default=RecyclePolicy.idle_s, metavar="SECONDS",
                        help="... idle meaning: no request answered for this long")
    args = parser.parse_args(argv)
    if args.token_store_replicas < 0:
        parser.error("--token-store-replicas must be 0 or more")
    return ServerConfig(
        model_repository=args.model_repository,
        grpc_port=args.grpc_port,
        http_port=args.http_port,
        metrics_port=args.metrics_port,
        address=args.address,
        device=Device(args.device),
        log_verbose=args.log_verbose,
        startup_timeout_s=args.startup_timeout,
        keyring_file=args.keyring_file,
        state_dir=args.state_dir,
        token_store=_token_store(args.token_store, parser),
        token_store_ca_file=_ca_file(args.token_store_ca_file, parser),
        token_store_replicas=args.token_store_replicas,
        attempts=_attempts(args, parser),
        readiness_port=args.readiness_port,
        allow_requested_actions=args.allow_requested_actions,
        allow_embeddings=args.allow_embeddings,
        decision_only=args.decision_only,
        api_key=_api_key(args.api_key_file, API_KEY_ENV, args.api_key_header, parser),
        operator_key=_api_key(args.operator_key_file, OPERATOR_KEY_ENV, args.operator_key_header, parser),
        tls=_tls(args, parser),
        max_connection_age_s=args.grpc_max_connection_age,
        max_connection_age_grace_s=args.grpc_max_connection_age_grace,
        shm_isolation=ShmIsolation(args.shm_isolation),
        shm_recycling=RecyclePolicy(args.shm_recycle_mb, args.shm_recycle_idle),
    )


def _positive_seconds(text: str) -> float:
    seconds = float(text)
    if not 0 < seconds < math.inf:
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return seconds


def _api_key(path: Path | None, variable: str, header: str, parser: argparse.ArgumentParser) -> ApiKey | None:
    """From the file, else the environment; never from the command line (argv is visible to every local user)."""
    try:
        value = path.read_text().strip() if path else os.environ.get(variable, "").strip()
        return ApiKey(header, value) if value else None
    except (OSError, ValueError) as error:
        parser.error(f"{variable}: {error}")


def _token_store(argument: str | None, parser: argparse.ArgumentParser) -> str | None:
    """From the option, else the environment; a password only from the environment (argv is visible to all)."""
    if argument is not None and urlsplit(argument).password is not None:
        parser.error(f"--token-store: put a URL with a password in ${TOKEN_STORE_ENV}, not on the command line")
    url = argument or os.environ.get(TOKEN_STORE_ENV, "").strip() or None
    if url is not None:
        try:
            StoreLocation(url)
        except ValueError as error:
            parser.error(f"--token-store: {error}")
    return url


def _ca_file(argument: Path | None, parser: argparse.ArgumentParser) -> Path | None:
    path = argument or (Path(os.environ[TOKEN_STORE_CA_FILE_ENV]) if os.environ.get(TOKEN_STORE_CA_FILE_ENV) else None)
    if path is not None and not path.is_file():
        parser.error(f"--token-store-ca-file: {path} is not a file")
    return path.resolve() if path else None


def _attempts(args: argparse.Namespace, parser: argparse.ArgumentParser) -> AttemptPolicy:
    try:
        return AttemptPolicy(args.attempt_limit, args.attempt_window, args.lockout)
    except ValueError as error:
        parser.error(str(error))


def _tls(args: argparse.Namespace, parser: argparse.ArgumentParser) -> ServerTls | None:
    files = (args.tls_cert_file, args.tls_key_file, args.tls_client_ca_file)
    if all(path is None for path in files):
        return None
    if args.tls_cert_file is None or args.tls_key_file is None:
        parser.error("TLS needs both --tls-cert-file and --tls-key-file")
    for path in files:
        if path is not None and not path.is_file():
            parser.error(f"TLS: {path} is not a file")
    return ServerTls(*(path.resolve() if path else None for path in files))


def main(argv: Sequence[str] | None = None) -> int:
    """Returns the server's exit status once a stop signal has been forwarded to it; 1 when it failed to start."""
    config = parse_args(argv)
    previous_handlers = {signum: signal.signal(signum, _interrupt) for signum in STOP_SIGNALS}
    try:
        with running_server(config, echo=sys.stderr.write) as server, _readiness(server) as readiness_url:
            for signum in STOP_SIGNALS:
                signal.signal(signum, lambda received, _frame: server.send_signal(received))
            print(
                f"facegate serve: ready pid={server.pid} grpc={server.grpc_url} http={server.http_url} "
                f"metrics={server.metrics_url} readiness={readiness_url or '-'} workdir={server.workdir}",
                flush=True,
            )
            return server.wait()
    except ServerStartError as error:
        print(f"facegate serve: {error}", file=sys.stderr)
        return 1
    except _Interrupted as interrupted:
        return 128 + interrupted.signum
    finally:
        for signum, handler in previous_handlers.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def _readiness(server):
    """GET /ready on --readiness-port while the server runs; yields its URL (None without the option)."""
    config = server.config
    if config.readiness_port is None:
        yield None
        return
    store = None
    if config.token_store is not None:
        store = open_token_store(StoreLocation(config.token_store, config.token_store_ca_file))
    with serving_readiness(config.address, config.readiness_port, server.http_url, store):
        yield f"http://{server.grpc_url.rsplit(':', 1)[0]}:{config.readiness_port}/ready"


def _interrupt(signum: int, _frame: object) -> None:
    raise _Interrupted(signum)


if __name__ == "__main__":
    sys.exit(main())
