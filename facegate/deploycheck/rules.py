"""The autoscaling chain, end to end: Prometheus recording rules -> Prometheus Adapter rule -> HPA.

The recording rules live in the PrometheusRule object (one source); their `spec` is also a plain
Prometheus rules file, which `promtool check rules` checks and the local rehearsal loads.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import yaml

from facegate.deploycheck.manifests import ADAPTER_RULES, Rendered

_SERIES_NAME = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)")


def rules_file(rendered: Rendered) -> Path:
    """The PrometheusRule's groups as build/deploy/<overlay>-rules.yaml."""
    (rule,) = rendered.of_kind("PrometheusRule")
    path = rendered.path.with_name(f"{rendered.overlay}-rules.yaml")
    path.write_text(yaml.safe_dump(rule["spec"], sort_keys=False))
    return path


def promtool_problems(path: Path) -> list[str]:
    promtool = shutil.which("promtool")
    if promtool is None:
        return ["promtool not found (Debian package prometheus; `make deploy-check` installs it)"]
    result = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True)
    return [] if result.returncode == 0 else [f"promtool check rules {path.name}:\n{result.stdout}{result.stderr}"]


def recorded_series(rendered: Rendered) -> set[str]:
    return {rule["record"] for item in rendered.of_kind("PrometheusRule")
            for group in item["spec"]["groups"] for rule in group["rules"] if "record" in rule}


def chain_problems(rendered: Rendered, adapter_rules_path: Path = ADAPTER_RULES) -> list[str]:
    """Every custom metric an HPA asks for is served by an adapter rule whose series a recording rule makes."""
    adapter_rules = yaml.safe_load(adapter_rules_path.read_text())["rules"]["custom"]
    served = {rule["name"]["as"]: _SERIES_NAME.match(rule["seriesQuery"]).group(1) for rule in adapter_rules}
    recorded = recorded_series(rendered)
    problems = []
    for hpa in rendered.of_kind("HorizontalPodAutoscaler"):
        for metric in hpa["spec"]["metrics"]:
            if metric["type"] != "Pods":
                continue
            name = metric["pods"]["metric"]["name"]
            if name not in served:
                problems.append(f"HPA {hpa['metadata']['name']}: no Prometheus Adapter rule serves {name}")
            elif served[name] not in recorded:
                problems.append(f"adapter rule for {name} reads {served[name]}, which no recording rule makes")
    return problems
