"""Rendering the Kustomize overlays and reading the objects back."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from facegate.paths import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"
OVERLAYS = DEPLOY / "overlays"
ADAPTER_RULES = DEPLOY / "monitoring" / "prometheus-adapter-rules.yaml"
BUILD = REPO_ROOT / "build" / "deploy"


@dataclass(frozen=True)
class Rendered:
    overlay: str
    path: Path
    objects: list[dict]

    def of_kind(self, kind: str) -> list[dict]:
        return [item for item in self.objects if item["kind"] == kind]

    def one(self, kind: str, name: str) -> dict:
        return next(item for item in self.of_kind(kind) if item["metadata"]["name"] == name)


def tool(name: str) -> str:
    """The pinned wheel's binary in this interpreter's environment, else one on PATH."""
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} not found (pip install the test extra, or see the Makefile)")
    return found


def overlays() -> list[str]:
    return sorted(path.name for path in OVERLAYS.iterdir() if (path / "kustomization.yaml").is_file())


def render(overlay: str, build: Path = BUILD) -> Rendered:
    """`kubectl kustomize deploy/overlays/<overlay>` into build/deploy/<overlay>.yaml."""
    text = subprocess.run([tool("kubectl"), "kustomize", str(OVERLAYS / overlay)],
                          check=True, capture_output=True, text=True).stdout
    build.mkdir(parents=True, exist_ok=True)
    path = build / f"{overlay}.yaml"
    path.write_text(text)
    return Rendered(overlay, path, [item for item in yaml.safe_load_all(text) if item])
