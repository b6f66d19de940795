"""The environment the challenge and verify models read (python_backends/verify/settings.py)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from facegate.server.config import ServerConfig
from python_backends.decision.keyring import KEYRING_ENV, KEYRING_FILE_ENV
from python_backends.verify.settings import (ALLOW_EMBEDDINGS_ENV, ALLOW_REQUESTED_ACTIONS_ENV, HEALS_FILE_ENV,
                                             STATE_DIR_ENV)


def service_environment(base: Mapping[str, str], config: ServerConfig, state_dir: Path,
                        heals_file: Path) -> dict[str, str]:
    """`base` plus the state directory, the launcher's count of model reloads and the switches; a configured
    keyring file replaces any inherited keyring."""
    environment = dict(base)
    if config.keyring_file is not None:
        environment.pop(KEYRING_ENV, None)
        environment[KEYRING_FILE_ENV] = str(config.keyring_file.resolve())
    environment[STATE_DIR_ENV] = str(state_dir.resolve())
    environment[HEALS_FILE_ENV] = str(heals_file.resolve())
    environment[ALLOW_REQUESTED_ACTIONS_ENV] = "1" if config.allow_requested_actions else "0"
    environment[ALLOW_EMBEDDINGS_ENV] = "1" if config.allow_embeddings else "0"
    return environment
