"""Pod settings that must agree with each other and with the server's own timeouts."""

from __future__ import annotations

from facegate.deploycheck.manifests import Rendered


def pod_problems(rendered: Rendered) -> list[str]:
    problems = []
    for deployment in rendered.of_kind("Deployment"):
        spec = deployment["spec"]["template"]["spec"]
        for container in spec["containers"]:
            options = _options(container.get("args", []))
            if "--startup-timeout" in options and "startupProbe" in container:
                probe = container["startupProbe"]
                budget = probe["periodSeconds"] * probe["failureThreshold"]
                if budget <= float(options["--startup-timeout"]):
                    problems.append(f"{container['name']}: startup probe gives up after {budget} s, before "
                                    f"--startup-timeout={options['--startup-timeout']} (the launcher's error would be lost)")
            grace = float(options.get("--grpc-max-connection-age-grace", 0))
            pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("sleep", {}).get("seconds", 0)
            if spec.get("terminationGracePeriodSeconds", 30) <= pre_stop + grace:
                problems.append(f"{container['name']}: terminationGracePeriodSeconds does not outlast preStop "
                                "plus the calls in flight on a connection")
        for container in spec.get("initContainers", []) + spec["containers"]:
            if any("secretKeyRef" in env.get("valueFrom", {}) for env in container.get("env", [])) or any(
                    "secretRef" in source for source in container.get("envFrom", [])):
                problems.append(f"{container['name']}: a Secret is passed in the environment (mount it as a file)")
    return problems


def _options(arguments: list[str]) -> dict[str, str]:
    return dict(argument.split("=", 1) for argument in arguments if argument.startswith("--") and "=" in argument)
