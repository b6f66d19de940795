"""`facegate challenge | verify | health` (also `facegate-client ...` and `python -m facegate_client ...`).

Exit status: 0 when the call completed (for `verify`, whatever the decision; for `health`, only when
every endpoint is ready, i.e. every model on it is), 1 with a one-line message on any error, 2 for a
malformed command line.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from facegate_client.client import FacegateClient
from facegate_client.errors import FacegateError, InvalidInput, LockedOut
from facegate_client.health import Health
from facegate_client.options import ClientOptions
from facegate_client.results import Action, Challenge, VerificationResult
from facegate_client.security import API_KEY_ENV, API_KEY_HEADER, ApiKey, Tls

SERVER_ENV = "FACEGATE_SERVER"
DEFAULT_SERVER = "127.0.0.1:8001"


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """--server, --timeout, TLS and API-key options: read back with `servers(args)` and `client_options(args)`."""
    group = parser.add_argument_group("connection")
    group.add_argument("--server", action="append", metavar="HOST:PORT",
                       help=f"gRPC endpoint, repeatable for failover; default ${SERVER_ENV} or {DEFAULT_SERVER}")
    group.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="deadline of the whole call")
    group.add_argument("--tls", action="store_true", help="gRPC over TLS, server checked against the system's CAs")
    group.add_argument("--tls-ca-file", type=Path, metavar="PEM", help="TLS, server checked against this CA")
    group.add_argument("--tls-cert-file", type=Path, metavar="PEM", help="mutual TLS: this client's certificate")
    group.add_argument("--tls-key-file", type=Path, metavar="PEM", help="mutual TLS: its private key")
    group.add_argument("--api-key-file", type=Path, metavar="PATH",
                       help=f"file holding the API key; default ${API_KEY_ENV} (never on the command line)")
    group.add_argument("--api-key-header", default=API_KEY_HEADER, metavar="NAME")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="facegate", description="facegate client commands")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    challenge = commands.add_parser("challenge", help="get a signed challenge (the actions to perform)")
    verify = commands.add_parser("verify", help="verify an ID photo against a selfie clip")
    health = commands.add_parser("health", help="is every endpoint (and every model on it) ready")
    for command in (challenge, verify):
        command.add_argument("--mirrored", action="store_true", help="the frames are horizontally flipped")
        command.add_argument("--actions", type=action_list, metavar="A,B[,C]",
                             help="request this action order (servers run with --allow-requested-actions only)")
        command.add_argument("--subject", metavar="REF",
                             help="bind the challenge to this opaque subscriber reference (attempt limits)")
        command.add_argument("--device", metavar="REF", help="bind the challenge to this device reference")
    verify.add_argument("--id-photo", type=Path, required=True, metavar="FILE", help="JPEG, PNG or BMP")
    clip = verify.add_mutually_exclusive_group(required=True)
    clip.add_argument("--video", type=Path, metavar="FILE",
                      help="selfie clip as recorded (MP4/H.264 or WebM/VP8-VP9), decoded by the server")
    clip.add_argument("--frames", type=Path, nargs="+", metavar="FILE", help="selfie clip as images, in time order")
    verify.add_argument("--decode-locally", action="store_true",
                        help="fallback: decode --video here (needs PyAV: pip install av) and send ~10 frames/s")
    verify.add_argument("--token", help="a token from `facegate challenge` (default: get a fresh challenge)")
    verify.add_argument("--request-id", metavar="ID", help="echoed in the result; default: a new UUID")
    for command in (challenge, verify, health):
        add_connection_options(command)
        command.add_argument("--json", action="store_true", help="print the answer as JSON (the API's field names)")
    return parser


def action_list(text: str) -> list[str]:
    actions = [item.strip() for item in text.split(",") if item.strip()]
    allowed = {action.value for action in Action}
    unknown = [action for action in actions if action not in allowed]
    if not actions or unknown:
        raise argparse.ArgumentTypeError(f"expected a comma-separated list of {', '.join(sorted(allowed))}")
    return actions


def client_options(args: argparse.Namespace) -> ClientOptions:
    """Raises ValueError (bad TLS or key settings) or OSError (unreadable key file)."""
    tls = None
    if args.tls or args.tls_ca_file or args.tls_cert_file or args.tls_key_file:
        tls = Tls(args.tls_ca_file, args.tls_key_file, args.tls_cert_file)
    if args.api_key_file:
        api_key = ApiKey.from_file(args.api_key_file, args.api_key_header)
    elif os.environ.get(API_KEY_ENV, "").strip():
        api_key = ApiKey.from_env(API_KEY_ENV, args.api_key_header)
    else:
        api_key = None
    return ClientOptions(timeout_s=args.timeout, tls=tls, api_key=api_key)


def servers(args: argparse.Namespace) -> list[str]:
    return args.server or [os.environ.get(SERVER_ENV) or DEFAULT_SERVER]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"{path}: {error.strerror or error}") from None


def challenge_document(challenge: Challenge) -> dict[str, Any]:
    return {"token": challenge.token, "actions": [str(getattr(a, "value", a)) for a in challenge.actions],
            "mirrored": challenge.mirrored, "expires_at": challenge.expires_at, "key_id": challenge.key_id}


def describe_challenge(challenge: Challenge) -> str:
    document = challenge_document(challenge)
    return "\n".join([f"actions: {', '.join(document['actions'])}", f"mirrored: {str(challenge.mirrored).lower()}",
                      f"expires_at: {challenge.expires_at}", f"token: {challenge.token}"])


def describe_result(result: VerificationResult) -> str:
    decision = str(getattr(result.decision, "value", result.decision))
    lines = [f"decision: {decision}"]
    for reason in result.reasons:
        code = str(getattr(reason.code, "value", reason.code))
        lines.append(f"  {code} ({getattr(reason.decision, 'value', reason.decision)}): {reason.message}")
    if result.match_score is not None:
        lines.append(f"match: {result.match_score:.3f} (threshold {result.match_threshold})")
    if result.liveness:
        live = result.liveness
        performed = [str(entry.get("action")) for entry in live.get("actions", []) if isinstance(entry, dict)]
        lines.append(f"liveness: challenge {', '.join(live.get('challenge', []))}; "
                     f"performed {', '.join(performed) or '-'}; "
                     f"blinks {live.get('blink_count')}; yaw range {live.get('yaw_range')}; "
                     f"spoof {result.spoof_score} (threshold {live.get('spoof_threshold')})")
    video = result.raw.get("video")
    if isinstance(video, dict):
        decoder = f" by {video['decoder']}" if video.get("decoder") else ""  # servers before 2026-12 omit it
        lines.append(f"video: {video.get('codec')} {video.get('width')}x{video.get('height')}, "
                     f"{video.get('decoded_frames')} frames at {video.get('fps')} fps decoded{decoder}, "
                     f"{len(video.get('frames', []))} analysed")
    timings = result.raw.get("timings_ms")
    total = timings.get("total") if isinstance(timings, dict) else None
    elapsed = f"  ({total:.0f} ms)" if isinstance(total, (int, float)) else ""
    lines.append(f"request_id: {result.request_id}{elapsed}")
    return "\n".join(lines)


def describe_health(health: Health) -> str:
    return "\n".join(f"{endpoint.url}: {'ready' if endpoint.ready else 'NOT READY'}"
                     + (f" ({endpoint.error})" if endpoint.error else "") for endpoint in health.endpoints)


def _clip(args: argparse.Namespace) -> dict[str, Any]:
    """verify's clip arguments: the video file's bytes, or frames (images, or a path decoded here)."""
    if args.video is None:
        return {"frames": [_read(path) for path in args.frames]}
    return {"frames": args.video} if args.decode_locally else {"video": _read(args.video)}


def run(args: argparse.Namespace, out) -> int:
    with FacegateClient(servers(args), client_options(args)) as client:
        if args.command == "health":
            health = client.health(timeout=args.timeout)
            document = {"ready": all(e.ready for e in health.endpoints),
                        "endpoints": [{"url": e.url, "ready": e.ready, "error": e.error} for e in health.endpoints]}
            print(json.dumps(document, indent=2) if args.json else describe_health(health), file=out)
            return 0 if document["ready"] else 1
        if args.command == "challenge":
            challenge = client.challenge(args.mirrored, args.actions, timeout=args.timeout, subject=args.subject,
                                         device=args.device)
            print(json.dumps(challenge_document(challenge), indent=2) if args.json else describe_challenge(challenge),
                  file=out)
            return 0
        id_photo, clip = _read(args.id_photo), _clip(args)
        token = args.token or client.challenge(args.mirrored, args.actions, timeout=args.timeout,
                                               subject=args.subject, device=args.device).token
        result = client.verify(id_photo, token=token, request_id=args.request_id, timeout=args.timeout, **clip)
        print(json.dumps(dict(result.raw), indent=2) if args.json else describe_result(result), file=out)
        return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return run(args, sys.stdout)
    except FacegateError as error:
        message = " ".join(str(error).split())
        retry = f" (retry after {error.retry_after_s} s)" if isinstance(error, LockedOut) else ""
        print(f"facegate {args.command}: {type(error).__name__}: {message}{retry}", file=sys.stderr)
        return 1
    except (ValueError, OSError) as error:
        print(f"facegate {args.command}: {' '.join(str(error).split())}", file=sys.stderr)
        return 1
