"""`1/manifest.json` next to each `1/model.onnx`: provenance, tensors, preprocessing, check result."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from facegate.fetch import sha256_of

MANIFEST = "manifest.json"
MODEL = "model.onnx"


@dataclass(frozen=True)
class TensorSpec:
    name: str
    dtype: str
    shape: list[int | str]  # symbolic dims as their names


@dataclass(frozen=True)
class Manifest:
    name: str
    source: dict  # registry, package, version, archive, archive_sha256, member, licence
    model_sha256: str
    inputs: list[TensorSpec]
    outputs: list[TensorSpec]
    preprocessing: dict
    check: dict = field(default_factory=dict)  # max abs differences against the original runtime

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        raw = json.loads(text)
        raw["inputs"] = [TensorSpec(**t) for t in raw["inputs"]]
        raw["outputs"] = [TensorSpec(**t) for t in raw["outputs"]]
        return cls(**raw)


def write(version_dir: Path, manifest: Manifest) -> None:
    (version_dir / MANIFEST).write_text(manifest.to_json())


def read(version_dir: Path) -> Manifest | None:
    path = version_dir / MANIFEST
    if not path.exists():
        return None
    try:
        return Manifest.from_json(path.read_text())
    except (ValueError, TypeError, KeyError):
        return None


def is_current(version_dir: Path, source: dict, preprocessing: dict) -> bool:
    """True when model.onnx exists, matches the manifest's hash, comes from `source` and was built for
    `preprocessing` (the contract's: a model built for another input is built again)."""
    manifest = read(version_dir)
    model = version_dir / MODEL
    return (manifest is not None and model.exists() and manifest.source == source
            and manifest.preprocessing == json.loads(json.dumps(preprocessing))  # as the manifest holds it
            and manifest.model_sha256 == sha256_of(model))
