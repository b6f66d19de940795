"""Which network weights answered: read once from the ONNX models' manifests in the repository."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

NETWORKS = ("face_detector", "face_landmarker", "face_antispoof", "face_embedder")


def model_versions(repository: Path, names: Iterable[str] = NETWORKS) -> dict[str, str]:
    """name -> "<package> <version> sha256:<first 12>" of the newest numeric version directory
    ("unknown" where no manifest is found)."""
    versions = {}
    for name in names:
        numbered = [d for d in (repository / name).glob("*") if d.name.isdigit() and d.is_dir()]
        manifest = max(numbered, key=lambda d: int(d.name)) / "manifest.json" if numbered else None
        if manifest is None or not manifest.is_file():
            versions[name] = "unknown"
            continue
        data = json.loads(manifest.read_text())
        source = data.get("source", {})
        versions[name] = f"{source.get('package')} {source.get('version')} sha256:{data.get('model_sha256', '')[:12]}"
    return versions
