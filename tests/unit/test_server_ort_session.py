import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from python_backends.ort.model_config import ModelConfigError, OrtModelConfig, TensorSpec
from python_backends.ort.model_config import TensorRtSettings
from python_backends.ort.session import CPU_PROVIDER, CUDA_PROVIDER, TENSORRT_PROVIDER, choose_providers, open_session


@pytest.fixture(scope="module")
def doubling_model(tmp_path_factory):
    """y = 2x over float32 [N,4]."""
    x = helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 4])
    y = helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 4])
    graph = helper.make_graph([helper.make_node("Add", ["input", "input"], ["output"])], "double", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    path = tmp_path_factory.mktemp("doubling") / "model.onnx"
    onnx.save(model, path)
    return path


def config(inputs=(("input", np.float32, (4,)),), outputs=(("output", np.float32, (4,)),), threads=(1, 1)):
    def specs(entries):
        return tuple(TensorSpec(name, np.dtype(dtype), dims) for name, dtype, dims in entries)

    return OrtModelConfig("double", 8, specs(inputs), specs(outputs), "model.onnx", *threads)


def test_gpu_instances_get_cuda_on_their_device_when_ort_has_it():
    available = [CUDA_PROVIDER, CPU_PROVIDER]
    assert choose_providers("GPU", 1, available) == [(CUDA_PROVIDER, {"device_id": 1}), CPU_PROVIDER]
    assert choose_providers("CPU", 0, available) == [CPU_PROVIDER]
    assert choose_providers("GPU", 0, [CPU_PROVIDER]) == [CPU_PROVIDER]


def test_tensorrt_comes_first_on_a_gpu_when_the_config_asks():
    available = [TENSORRT_PROVIDER, CUDA_PROVIDER, CPU_PROVIDER]
    settings = TensorRtSettings(fp16=True, engine_cache_path="/cache")
    assert choose_providers("GPU", 0, available, settings) == [
        (TENSORRT_PROVIDER, {"device_id": 0, "trt_fp16_enable": True, "trt_engine_cache_enable": True,
                             "trt_engine_cache_path": "/cache"}),
        (CUDA_PROVIDER, {"device_id": 0}), CPU_PROVIDER]
    assert choose_providers("GPU", 0, available) == [(CUDA_PROVIDER, {"device_id": 0}), CPU_PROVIDER]
    assert choose_providers("CPU", 0, available, settings) == [CPU_PROVIDER]


def test_cpu_session_runs_the_graph_with_configured_threads(doubling_model):
    session = open_session(doubling_model, config(), "CPU", 0)
    assert session.get_providers() == [CPU_PROVIDER]
    assert session.get_session_options().intra_op_num_threads == 1
    x = np.arange(8, dtype=np.float32).reshape(2, 4)
    np.testing.assert_array_equal(session.run(["output"], {"input": x})[0], 2 * x)


@pytest.mark.parametrize(
    ("inputs", "outputs", "expected"),
    [
        ((("image", np.float32, (4,)),), (("output", np.float32, (4,)),), "input 'image' is not in the graph"),
        ((("input", np.float32, (4,)),), (("scores", np.float32, (4,)),), "output 'scores' is not in the graph"),
        ((("input", np.float16, (4,)),), (("output", np.float32, (4,)),), "float16 in the config but tensor(float)"),
        ((("input", np.float32, (2, 2)),), (("output", np.float32, (4,)),), "rank 3 in the config but 2"),
    ],
)
def test_config_not_matching_the_graph_fails_at_load_naming_the_tensor(doubling_model, inputs, outputs, expected):
    with pytest.raises(ModelConfigError, match="model 'double'") as error:
        open_session(doubling_model, config(inputs, outputs), "CPU", 0)
    assert expected in str(error.value)


def test_graph_input_missing_from_the_config_is_reported(doubling_model):
    with pytest.raises(ModelConfigError, match="graph input 'input' is missing from the config"):
        open_session(doubling_model, config(inputs=(("other", np.float32, (4,)),)), "CPU", 0)


def test_missing_onnx_file_names_the_path(tmp_path):
    with pytest.raises(ModelConfigError, match="no ONNX file at"):
        open_session(tmp_path / "1" / "model.onnx", config(), "CPU", 0)
