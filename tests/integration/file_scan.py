"""Finding files the server may have written, for the privacy tests."""

from __future__ import annotations

import os
from pathlib import Path


def files_changed_since(roots: list[Path] | tuple[Path, ...], since: float) -> list[Path]:
    """Regular files under `roots` modified at or after `since` (epoch seconds)."""
    changed = []
    for root in roots:
        for folder, _, names in os.walk(root):
            for name in names:
                path = Path(folder, name)
                try:
                    if path.is_file() and path.stat().st_mtime >= since:
                        changed.append(path)
                except OSError:
                    continue  # removed while walking
    return changed
