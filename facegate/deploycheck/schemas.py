"""Strict validation of every object against the Kubernetes API schemas, offline.

kubernetes-validate ships the OpenAPI schemas of each Kubernetes release inside its wheel;
`--strict` also rejects fields the schema does not know (a misspelt or misplaced key). The
Prometheus Operator's two kinds have no schema there; rules.py checks what they carry.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from facegate.deploycheck.manifests import tool

KUBERNETES_VERSION = "1.31.0"
OPERATOR_KINDS = {("ServiceMonitor", "monitoring.coreos.com/v1"), ("PrometheusRule", "monitoring.coreos.com/v1")}
_NO_SCHEMA = re.compile(r"Couldn't find schema for kind (\S+) with api version (\S+)")


def schema_problems(path: Path) -> list[str]:
    """Empty when every object is valid and every kind without a schema is one of OPERATOR_KINDS."""
    result = subprocess.run([tool("kubernetes-validate"), "--strict", "--quiet", "-k", KUBERNETES_VERSION, str(path)],
                            capture_output=True, text=True)
    output = result.stdout + result.stderr
    problems = [f"{kind} {api}: no schema to validate it against"
                for kind, api in _NO_SCHEMA.findall(output) if (kind, api) not in OPERATOR_KINDS]
    if result.returncode != 0:
        problems.append(f"kubernetes-validate --strict failed:\n{output}")
    return problems
