"""Where things live: the repository's model repository and the download cache."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MODEL_REPOSITORY = REPO_ROOT / "model_repository"


def cache_dir() -> Path:
    """Download cache for pinned archives; `FACEGATE_CACHE` overrides."""
    root = Path(os.environ.get("FACEGATE_CACHE", Path.home() / ".cache" / "facegate"))
    root.mkdir(parents=True, exist_ok=True)
    return root
