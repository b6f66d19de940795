"""`facegate keyring new|rotate|remove`: the challenge keyring file `facegate serve --keyring-file` reads.

A running server reads the keyring when `challenge` and `verify` load: restart it (or reload
both models) after a rotation. Remove a previous key only once the tokens it signed have expired.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from facegate.server.keyring_file import new_keyring, remove_key, rotate_keyring
from python_backends.decision.keyring import KeyringError, read_keyring_file


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="facegate keyring", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("new", help="write a new 0600 keyring with one fresh signing key").add_argument("path", type=Path)
    commands.add_parser("rotate", help="add a fresh signing key; the previous ones keep verifying").add_argument(
        "path", type=Path)
    remove = commands.add_parser("remove", help="drop a previous (non-signing) key")
    remove.add_argument("path", type=Path)
    remove.add_argument("key_id")
    commands.add_parser("list", help="key ids, the signing key first (never the secrets)").add_argument(
        "path", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.command == "new":
            print(f"{args.path}: signing key {new_keyring(args.path).key_id}")
        elif args.command == "rotate":
            print(f"{args.path}: signing key {rotate_keyring(args.path).key_id}")
        elif args.command == "remove":
            remove_key(args.path, args.key_id)
        print(" ".join(key.key_id for key in read_keyring_file(args.path).keys))
    except (KeyringError, OSError) as error:
        print(f"facegate keyring: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
