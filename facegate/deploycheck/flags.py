"""No drift between the manifests and the command line: every `--flag` a container or probe passes
to a `facegate` command must be one that command's `--help` lists."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from facegate.deploycheck.manifests import Rendered

_FLAG = re.compile(r"(?<![\w-])(--[a-z0-9][a-z0-9-]*)")


def facegate_invocations(rendered: Rendered) -> Iterator[tuple[str, list[str]]]:
    """(where, argv after `facegate`) for each container command and exec probe that runs facegate."""
    for workload in rendered.of_kind("Deployment") + rendered.of_kind("StatefulSet"):
        spec = workload["spec"]["template"]["spec"]
        for container in spec.get("initContainers", []) + spec["containers"]:
            where = f"{workload['kind']}/{workload['metadata']['name']} {container['name']}"
            argv = container.get("command", []) + container.get("args", [])
            if argv[:1] == ["facegate"]:
                yield where, argv[1:]
            for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
                command = container.get(probe, {}).get("exec", {}).get("command", [])
                if command[:1] == ["facegate"]:
                    yield f"{where} {probe}", command[1:]


def flag_problems(rendered: Rendered) -> list[str]:
    problems = []
    for where, argv in facegate_invocations(rendered):
        known = help_flags(argv[0])
        problems += [f"{where}: `facegate {argv[0]}` has no {flag} (not in its --help)"
                     for flag in _flags(argv[1:]) if flag not in known]
    return problems


@cache
def help_flags(command: str) -> frozenset[str]:
    facegate = Path(sys.executable).with_name("facegate")
    text = subprocess.run([str(facegate), command, "--help"], check=True, capture_output=True, text=True).stdout
    return frozenset(_FLAG.findall(text))


def _flags(arguments: list[str]) -> list[str]:
    return [argument.split("=", 1)[0] for argument in arguments if argument.startswith("--")]
