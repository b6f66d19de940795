"""The real tritonserver from the wheel with the ONNX Runtime Python-based backend, on a tiny model."""

from __future__ import annotations

import functools
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import onnx
import pytest
import tritonclient.grpc as grpcclient
from onnx import TensorProto, helper, numpy_helper
from tritonclient.utils import InferenceServerException

from facegate.server import ServerStartError, running_server
from facegate.server.process_group import live_members
from tests.integration.server_fixture import local_config

pytestmark = pytest.mark.integration

MAX_BATCH = 8
CONFIG = """name: "{name}"
backend: "onnxruntime"
max_batch_size: {max_batch}
input [{{ name: "{input}" data_type: TYPE_FP32 dims: [{dims}] }}]
output [{{ name: "output" data_type: TYPE_FP32 dims: [{dims}] }}]
dynamic_batching {{ max_queue_delay_microseconds: 100000 }}
instance_group [{{ kind: KIND_CPU count: 1 }}]
"""


def affine_onnx() -> onnx.ModelProto:
    """y = 2x + 1 over float32 [N,4]."""
    x = helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 4])
    y = helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 4])
    two, one = (numpy_helper.from_array(np.array(v, np.float32), name) for v, name in ((2, "two"), (1, "one")))
    nodes = [
        helper.make_node("Mul", ["input", "two"], ["doubled"]),
        helper.make_node("Add", ["doubled", "one"], ["output"]),
    ]
    graph = helper.make_graph(nodes, "affine", [x], [y], initializer=[two, one])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return model


def add_model(
    repository: Path, name: str, *, input_name: str = "input", dims: str = "4", config: str | None = None
) -> None:
    (repository / name / "1").mkdir(parents=True)
    onnx.save(affine_onnx(), repository / name / "1" / "model.onnx")
    text = config or CONFIG.format(name=name, max_batch=MAX_BATCH, input=input_name, dims=dims)
    (repository / name / "config.pbtxt").write_text(text)


@pytest.fixture(scope="module")
def tiny_repository(tmp_path_factory) -> Path:
    repository = tmp_path_factory.mktemp("model_repository")
    add_model(repository, "affine")
    add_model(repository, "affine_any_width", dims="-1")  # the graph itself takes width 4 only
    return repository


@pytest.fixture(scope="module")
def server(tiny_repository):
    with running_server(local_config(tiny_repository)) as running:
        yield running


@pytest.fixture
def client(server):
    with grpcclient.InferenceServerClient(server.grpc_url) as connection:
        yield connection


def affine_input(x: np.ndarray) -> list[grpcclient.InferInput]:
    tensor = grpcclient.InferInput("input", list(x.shape), "FP32")
    tensor.set_data_from_numpy(x)
    return [tensor]


def infer_concurrently(client, model: str, inputs: list[np.ndarray]) -> list[np.ndarray | Exception]:
    """Sends every request before waiting for any answer, so the dynamic batcher sees them together."""
    results: list[np.ndarray | Exception | None] = [None] * len(inputs)
    done = threading.Semaphore(0)

    def on_answer(index, result, error):
        results[index] = error if error is not None else result.as_numpy("output")
        done.release()

    for index, x in enumerate(inputs):
        client.async_infer(model, affine_input(x), callback=functools.partial(on_answer, index))
    for _ in inputs:
        assert done.acquire(timeout=30)
    return results


def executions(client, model: str) -> tuple[int, int]:
    """(model executions, requests) so far."""
    stats = client.get_inference_statistics(model, as_json=True)["model_stats"][0]
    return int(stats.get("execution_count", 0)), int(stats["inference_stats"]["success"].get("count", 0))


def test_server_and_models_are_ready(server, client):
    assert {m.name for m in server.models} == {"affine", "affine_any_width"}
    assert client.is_server_ready()
    assert client.is_model_ready("affine")
    assert server.workdir.stat().st_mode & 0o777 == 0o700


def test_inference_over_grpc(client):
    x = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    result = client.infer("affine", affine_input(x)).as_numpy("output")
    np.testing.assert_allclose(result, 2 * x + 1, rtol=1e-6)


def test_concurrent_requests_run_batched_and_each_gets_its_own_rows(client):
    rng = np.random.default_rng(1)
    inputs = [rng.normal(size=(1 + i % 3, 4)).astype(np.float32) for i in range(12)]
    executions_before, requests_before = executions(client, "affine")
    results = infer_concurrently(client, "affine", inputs)
    for x, result in zip(inputs, results):
        np.testing.assert_allclose(result, 2 * x + 1, rtol=1e-6)
    executions_after, requests_after = executions(client, "affine")
    assert requests_after - requests_before == len(inputs)
    rows = sum(len(x) for x in inputs)
    assert -(-rows // MAX_BATCH) <= executions_after - executions_before < len(inputs)


def test_a_request_of_the_wrong_shape_fails_and_the_server_keeps_serving(client):
    with pytest.raises(InferenceServerException, match="unexpected shape"):
        client.infer("affine", affine_input(np.zeros((1, 5), np.float32)))
    answer = client.infer("affine", affine_input(np.zeros((1, 4), np.float32)))
    np.testing.assert_array_equal(answer.as_numpy("output"), 1)


def test_a_request_the_backend_rejects_fails_alone_in_its_batch(client):
    good = [np.full((1, 4), i, np.float32) for i in range(3)]
    bad = np.zeros((2, 5), np.float32)  # the config allows any width, the ONNX graph does not
    results = infer_concurrently(client, "affine_any_width", [good[0], bad, good[1], good[2]])
    assert isinstance(results[1], InferenceServerException)
    assert "input" in str(results[1])
    for x, result in zip(good, [results[0], results[2], results[3]]):
        np.testing.assert_array_equal(result, 2 * x + 1)


def test_tensor_values_never_reach_the_log(server, client):
    marker = np.full((1, 4), 4242.125, np.float32)
    client.infer("affine", affine_input(marker))
    log = server.log.text()
    assert "model affine" in log  # verbose logging is on, so requests are being logged
    assert "4242.125" not in log and "8485.25" not in log


def test_leaving_the_context_stops_the_server_its_stubs_and_removes_its_files(tiny_repository):
    with running_server(local_config(tiny_repository, log_verbose=0)) as server:
        assert len(live_members(server.pid)) >= 3  # tritonserver and one stub per model instance
        workdir = server.workdir
    assert server.process.returncode == 0
    assert live_members(server.pid) == []
    assert not workdir.exists()


def test_sigterm_to_facegate_serve_stops_the_server_cleanly(tiny_repository, tmp_path):
    config = local_config(tiny_repository, log_verbose=0)
    command = [sys.executable, "-m", "facegate.server.cli", "--model-repository", str(tiny_repository),
               "--grpc-port", str(config.grpc_port), "--http-port", str(config.http_port),
               "--metrics-port", str(config.metrics_port), "--address", "127.0.0.1", "--device", "cpu"]
    with open(tmp_path / "serve.log", "w") as server_log:
        serve = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=server_log, text=True)
    try:
        ready = serve.stdout.readline()
        assert ready.startswith("facegate serve: ready"), (tmp_path / "serve.log").read_text()[-2000:]
        fields = dict(part.split("=", 1) for part in ready.split()[3:])
        server_pid, workdir = int(fields["pid"]), Path(fields["workdir"])
        assert workdir.is_dir()
        with grpcclient.InferenceServerClient(fields["grpc"]) as client:
            assert client.is_model_ready("affine")
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=60) == 0
    finally:
        if serve.poll() is None:
            serve.kill()
    assert live_members(server_pid) == []
    assert not workdir.exists()
    assert "successfully unloaded 'affine'" in (tmp_path / "serve.log").read_text()


def test_broken_models_stop_the_start_with_their_names(tmp_path):
    add_model(tmp_path, "affine")
    add_model(tmp_path, "unreadable_config", config='name: "unreadable_config"\ninput [{ name: ')
    add_model(tmp_path, "wrong_input_name", input_name="pixels")
    misspelt = 'parameters { key: "intra_op_threads" value: { string_value: "1" } }\n'
    add_model(tmp_path, "misspelt_parameter",
              config=CONFIG.format(name="misspelt_parameter", max_batch=MAX_BATCH, input="input", dims="4") + misspelt)
    with pytest.raises(ServerStartError) as error:
        with running_server(local_config(tmp_path, log_verbose=0)):
            pass
    message = str(error.value)
    assert "model 'unreadable_config' failed to load" in message
    assert "failed to read text proto" in message
    assert "model 'wrong_input_name' failed to load" in message
    assert "input 'pixels' is not in the graph" in message
    assert "model 'misspelt_parameter' failed to load" in message
    assert "unknown parameters intra_op_threads" in message
    assert "model 'affine' failed" not in message
