"""Renders every overlay into build/deploy/<overlay>.yaml and checks it; exit 1 on any problem."""

from __future__ import annotations

import sys

from facegate.deploycheck.flags import flag_problems
from facegate.deploycheck.manifests import overlays, render
from facegate.deploycheck.pods import pod_problems
from facegate.deploycheck.rules import chain_problems, promtool_problems, rules_file
from facegate.deploycheck.schemas import KUBERNETES_VERSION, schema_problems


def main() -> int:
    failed = False
    for overlay in overlays():
        rendered = render(overlay)
        problems = (schema_problems(rendered.path) + promtool_problems(rules_file(rendered))
                    + chain_problems(rendered) + flag_problems(rendered) + pod_problems(rendered))
        kinds = sorted({item["kind"] for item in rendered.objects})
        print(f"deploy/{overlay}: {len(rendered.objects)} objects ({', '.join(kinds)}) -> {rendered.path}")
        print(f"  Kubernetes {KUBERNETES_VERSION} schemas (strict), promtool, adapter/HPA chain, facegate flags, pod timing: "
              + ("ok" if not problems else f"{len(problems)} problem(s)"))
        for problem in problems:
            print(f"  - {problem}")
        failed = failed or bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
