"""Local rehearsal of the Kubernetes autoscaling signal (deploy/base/hpa.yaml), without a cluster.

A real Prometheus (Debian package) scrapes two real `facegate serve` nodes, as the ServiceMonitor
would, and evaluates the recording rules of the rendered cpu overlay (the PrometheusRule's spec).
Under client load the signal the HPA scales on rises above the overlay's target on both nodes, and
falls back once the load stops. What differs from a cluster, to keep this within CI's time: scrape
and rule evaluation every 2 s (15 s there) and the rules' rate window 20 s (1 m there); the
`namespace`/`pod` labels the ServiceMonitor adds are set in the scrape config; and the headless
Service's DNS answer is given by the test (the client's calls themselves go over real gRPC).

The load is the benchmark's genuine request (every model runs; ACCEPT), from one FacegateClient given the headless name: both nodes are loaded because the
client spreads calls over the addresses the name resolves to, and a changed answer moves the calls.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import tritonclient.grpc as grpcclient

from facegate.bench.material import GENUINE_ACTIONS, Material, load_material
from facegate.bench.resources import ResourceSampler
from facegate.deploycheck.manifests import render
from facegate.deploycheck.rules import rules_file
from facegate.paths import MODEL_REPOSITORY
from facegate.server import running_server
from facegate.server.keyring_file import temporary_keyring_file
from facegate.server.ports import free_ports
from facegate_client import ClientOptions, FacegateClient, FacegateError
from tests.integration.process_wait import answers_in_time
from tests.integration.server_fixture import local_config

pytestmark = pytest.mark.integration

NODES = {"node-a": "127.0.0.2", "node-b": "127.0.0.3"}
HEADLESS = "facegate-headless.rehearsal.svc"
SIGNAL = "facegate:queue_seconds_per_verification:rate1m"
INTERVAL_S = 2
WINDOW = "20s"
CLIENTS = 6  # 3 verifications in flight per node, on 2 verify instances each: they queue
LOAD_S = 40
FALL_WITHIN_S = 60


def _quantity(text: str) -> float:
    return float(text[:-1]) / 1000 if text.endswith("m") else float(text)


def _rehearsal_rules(build: Path) -> tuple[Path, float]:
    """The cpu overlay's recording rules with the short window, and its HPA target."""
    rendered = render("cpu", build)
    path = rules_file(rendered)
    path.write_text(path.read_text().replace("[1m]", f"[{WINDOW}]"))
    (metric,) = rendered.one("HorizontalPodAutoscaler", "facegate")["spec"]["metrics"]
    return path, _quantity(metric["pods"]["target"]["averageValue"])


@contextlib.contextmanager
def _prometheus(root: Path, rules: Path, metrics_port: int):
    port = free_ports(1)[0]
    targets = [{"targets": [f"{address}:{metrics_port}"], "labels": {"namespace": "rehearsal", "pod": pod}}
               for pod, address in NODES.items()]
    config = {"global": {"scrape_interval": f"{INTERVAL_S}s", "evaluation_interval": f"{INTERVAL_S}s"},
              "rule_files": [str(rules)],
              "scrape_configs": [{"job_name": "facegate", "static_configs": targets}]}
    (root / "prometheus.yml").write_text(json.dumps(config))
    with open(root / "prometheus.log", "wb") as log:
        process = subprocess.Popen(["prometheus", f"--config.file={root / 'prometheus.yml'}",
                                    f"--storage.tsdb.path={root / 'tsdb'}", f"--web.listen-address=127.0.0.1:{port}"],
                                   stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        assert answers_in_time(lambda: _answers(f"{url}/-/ready"), process, 30, interval_s=0.5), (
            (root / "prometheus.log").read_text())
        yield url
    finally:
        process.terminate()
        process.wait(30)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def _signal(prometheus: str) -> dict[str, float]:
    query = urllib.parse.urlencode({"query": SIGNAL})
    with urllib.request.urlopen(f"{prometheus}/api/v1/query?{query}", timeout=5) as response:
        result = json.load(response)["data"]["result"]
    return {series["metric"]["pod"]: float(series["value"][1]) for series in result}


@contextlib.contextmanager
def _headless_dns(monkeypatch, answer: list[str]):
    """Cluster DNS for the headless name: `answer` (mutable) is what it resolves to right now."""
    system = socket.getaddrinfo

    def lookup(host, port, *args, **kwargs):
        if host != HEADLESS:
            return system(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in answer]

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    yield


def _challenges_served(grpc_url: str) -> int:
    with grpcclient.InferenceServerClient(grpc_url) as client:
        stats = client.get_inference_statistics("challenge", as_json=True)["model_stats"][0]["inference_stats"]
    return int(stats.get("success", {}).get("count", 0))


def _load(client: FacegateClient, material: Material, until: float) -> list[str]:
    """The benchmark's genuine request (16 frames + ID photo, every model runs) in a loop."""
    outcomes = []
    while time.monotonic() < until:
        try:
            token = client.challenge(mirrored=False, actions=GENUINE_ACTIONS).token
            result = client.verify(material.id_photo, material.genuine, token, timeout=60)
            outcomes.append(" ".join(getattr(item, "value", item) for item in
                                     (result.decision, *(reason.code for reason in result.reasons))))
        except FacegateError as error:
            outcomes.append(type(error).__name__)
    return outcomes


def test_the_queue_time_signal_rises_under_load_and_falls_back(tmp_path, monkeypatch):
    rules, target = _rehearsal_rules(tmp_path / "deploy")
    material = load_material(16)
    grpc_port, http_port, metrics_port = free_ports(3)
    answer = list(NODES.values())
    with contextlib.ExitStack() as stack:
        keyring = stack.enter_context(temporary_keyring_file())
        nodes = {pod: stack.enter_context(running_server(local_config(
            MODEL_REPOSITORY, address=address, grpc_port=grpc_port, http_port=http_port, metrics_port=metrics_port,
            keyring_file=keyring, log_verbose=0, allow_requested_actions=True))) for pod, address in NODES.items()}
        prometheus = stack.enter_context(_prometheus(tmp_path, rules, metrics_port))
        stack.enter_context(_headless_dns(monkeypatch, answer))
        client = stack.enter_context(FacegateClient(f"dns:///{HEADLESS}:{grpc_port}",
                                                    ClientOptions(resolve_interval_s=1, timeout_s=60)))
        assert sorted(client._pool.urls) == sorted(f"{address}:{grpc_port}" for address in NODES.values())

        series: list[tuple[float, str, dict[str, float]]] = []
        started = time.monotonic()
        samplers = {pod: stack.enter_context(ResourceSampler(node.pid)) for pod, node in nodes.items()}
        with ThreadPoolExecutor(CLIENTS) as pool:
            runs = [pool.submit(_load, client, material, started + LOAD_S) for _ in range(CLIENTS)]
            while not all(run.done() for run in runs):
                series.append((time.monotonic() - started, "load", _signal(prometheus)))
                time.sleep(INTERVAL_S)
        outcomes = [outcome for run in runs for outcome in run.result()]
        loaded_s = time.monotonic() - started
        cpu_s = {pod: round(sampler.total_cpu_s(), 1) for pod, sampler in samplers.items()}
        rss_mib = {pod: round(sum(usage.peak_rss_mb for usage in sampler.usage())) for pod, sampler in samplers.items()}
        while time.monotonic() - started < loaded_s + FALL_WITHIN_S:
            series.append((time.monotonic() - started, "quiet", _signal(prometheus)))
            if len(series[-1][2]) == len(NODES) and max(series[-1][2].values()) < target:
                break
            time.sleep(INTERVAL_S)

        print(f"\n{SIGNAL} (window {WINDOW}), HPA target {target:g} s per verification")
        print("   t s  phase  " + "  ".join(f"{pod:>7}" for pod in NODES))
        for at, phase, values in series:
            print(f"{at:6.0f}  {phase:<5}  " + "  ".join(f"{values.get(pod, float('nan')):7.2f}" for pod in NODES))
        verified = sum(outcome.split()[0] in ("ACCEPT", "REJECT", "RETRY") for outcome in outcomes)
        print(f"{len(outcomes)} verify calls by {CLIENTS} clients in {loaded_s:.0f} s: {dict(Counter(outcomes))}")
        print(f"server CPU s {cpu_s}: {verified / sum(cpu_s.values()):.2f} verifications (16 frames + ID photo) per "
              f"CPU-second; sum of the processes' peak RSS MiB (shared pages counted in each) {rss_mib}")

        loaded = [values for _, phase, values in series if phase == "load"]
        for pod in NODES:
            assert max(values.get(pod, 0.0) for values in loaded) > target, f"{pod}: the signal never rose above the target"
        assert series[-1][1] == "quiet" and max(series[-1][2].values()) < target, "the signal did not fall back"
        assert sum(outcome == "ACCEPT" for outcome in outcomes) >= CLIENTS, outcomes

        # The headless Service loses node-b (scaled in): after one resolve interval every call goes to node-a.
        before = {pod: _challenges_served(f"{address}:{grpc_port}") for pod, address in NODES.items()}
        answer[:] = [NODES["node-a"]]
        time.sleep(1.5)
        for _ in range(4):
            client.challenge(mirrored=False)
        after = {pod: _challenges_served(f"{address}:{grpc_port}") for pod, address in NODES.items()}
        assert (after["node-a"] - before["node-a"], after["node-b"] - before["node-b"]) == (4, 0)
