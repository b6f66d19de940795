"""The environment the challenge and verify models read (python_backends/verify/settings.py)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from facegate.server.config import ServerConfig
from python_backends.decision.keyring import KEYRING_ENV, KEYRING_FILE_ENV
from python_backends.verify.settings import (
    ALLOW_EMBEDDINGS_ENV,
    ALLOW_REQUESTED_ACTIONS_ENV,
    ATTEMPT_LIMIT_ENV,
    ATTEMPT_WINDOW_ENV,
    DECISION_ONLY_ENV,
    HEALS_FILE_ENV,
    LOCKOUT_ENV,
    STATE_DIR_ENV,
    TOKEN_STORE_CA_FILE_ENV,
    TOKEN_STORE_ENV,
    TOKEN_STORE_REPLICAS_ENV,
    UNANSWERED_FILE_ENV,
)


def verify_environment(base: Mapping[str, str], config: ServerConfig, state_dir: Path,
                       heals_file: Path, unanswered_file: Path) -> dict[str, str]:
    """`base` plus the state directory, token store, attempt limits, the launcher's counts of model reloads and
    of errors Triton answered for verify without it, and switches; a configured keyring file replaces any
    inherited keyring, and the configured token store (or none) any inherited one."""
    environment = dict(base)
    if config.keyring_file is not None:
        environment.pop(KEYRING_ENV, None)
        environment[KEYRING_FILE_ENV] = str(config.keyring_file.resolve())
    environment[STATE_DIR_ENV] = str(state_dir.resolve())
    environment[HEALS_FILE_ENV] = str(heals_file.resolve())
    environment[UNANSWERED_FILE_ENV] = str(unanswered_file.resolve())
    for name, value in ((TOKEN_STORE_ENV, config.token_store), (TOKEN_STORE_CA_FILE_ENV, config.token_store_ca_file)):
        environment.pop(name, None)
        if value is not None:
            environment[name] = str(value)
    environment[TOKEN_STORE_REPLICAS_ENV] = str(config.token_store_replicas)
    environment[ATTEMPT_LIMIT_ENV] = str(config.attempts.limit)
    environment[ATTEMPT_WINDOW_ENV] = str(config.attempts.window_s)
    environment[LOCKOUT_ENV] = str(config.attempts.lockout_s)
    environment[ALLOW_REQUESTED_ACTIONS_ENV] = "1" if config.allow_requested_actions else "0"
    environment[ALLOW_EMBEDDINGS_ENV] = "1" if config.allow_embeddings else "0"
    environment[DECISION_ONLY_ENV] = "1" if config.decision_only else "0"
    return environment
