"""`make deploy-check` in the suite (CI runs only `make test`), and each check shown to catch its fault."""

import copy

import pytest
import yaml

from facegate.deploycheck.__main__ import main
from facegate.deploycheck.flags import flag_problems
from facegate.deploycheck.manifests import Rendered, overlays, render
from facegate.deploycheck.pods import pod_problems
from facegate.deploycheck.rules import chain_problems, promtool_problems, rules_file
from facegate.deploycheck.schemas import schema_problems


def test_every_overlay_renders_and_passes_every_check(capsys):
    status = main()
    output = capsys.readouterr().out
    print(output)
    assert set(overlays()) >= {"cpu", "gpu", "dev"}
    assert status == 0, output


@pytest.fixture(scope="module")
def cpu(tmp_path_factory) -> Rendered:
    return render("cpu", tmp_path_factory.mktemp("deploy"))


def _changed(rendered: Rendered, tmp_path, change) -> Rendered:
    objects = copy.deepcopy(rendered.objects)
    change({(item["kind"], item["metadata"]["name"]): item for item in objects})
    path = tmp_path / "cpu.yaml"
    path.write_text(yaml.safe_dump_all(objects))
    return Rendered("cpu", path, objects)


def _server(objects: dict) -> dict:
    return objects["Deployment", "facegate"]["spec"]["template"]["spec"]["containers"][0]


def test_a_flag_facegate_serve_does_not_have_is_drift(cpu, tmp_path):
    changed = _changed(cpu, tmp_path, lambda objects: _server(objects)["args"].append("--grpc-max-conection-age=60"))
    assert any("--grpc-max-conection-age" in problem for problem in flag_problems(changed))
    probe = _changed(cpu, tmp_path, lambda objects: _server(objects)["livenessProbe"]["exec"]["command"].append("--port=1"))
    assert any("livenessProbe" in problem and "--port" in problem for problem in flag_problems(probe))


def test_strict_validation_rejects_unknown_fields_and_kinds_without_schema(cpu, tmp_path):
    def misplace(objects):
        _server(objects)["resources"]["request"] = {"cpu": "1"}  # `requests`, misspelt

    assert schema_problems(_changed(cpu, tmp_path, misplace).path)
    stray = tmp_path / "stray.yaml"
    stray.write_text(yaml.safe_dump({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}))
    assert any("Widget" in problem for problem in schema_problems(stray))


def test_promtool_rejects_a_broken_expression(cpu, tmp_path):
    def break_rule(objects):
        objects["PrometheusRule", "facegate"]["spec"]["groups"][0]["rules"][0]["expr"] = "sum by (pod) (rate(x[1m]"

    assert promtool_problems(rules_file(_changed(cpu, tmp_path, break_rule)))


def test_the_hpa_metric_must_be_served_by_the_adapter_from_a_recorded_series(cpu, tmp_path):
    def rename(objects):
        objects["HorizontalPodAutoscaler", "facegate"]["spec"]["metrics"][0]["pods"]["metric"]["name"] = "other"

    assert chain_problems(_changed(cpu, tmp_path, rename))

    def drop_recording(objects):
        objects["PrometheusRule", "facegate"]["spec"]["groups"][0]["rules"].pop()

    assert any("no recording rule" in problem for problem in chain_problems(_changed(cpu, tmp_path, drop_recording)))


def test_probe_budget_grace_period_and_secrets_in_env(cpu, tmp_path):
    assert pod_problems(cpu) == []

    def short_startup(objects):
        _server(objects)["startupProbe"]["failureThreshold"] = 10

    def short_grace(objects):
        objects["Deployment", "facegate"]["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] = 30

    def secret_in_env(objects):
        _server(objects)["env"].append({"name": "KEY", "valueFrom": {"secretKeyRef": {"name": "k", "key": "k"}}})

    for change, words in ((short_startup, "startup probe"), (short_grace, "terminationGracePeriodSeconds"),
                          (secret_in_env, "environment")):
        assert any(words in problem for problem in pod_problems(_changed(cpu, tmp_path, change))), words
