from pathlib import Path

import numpy as np
import pytest

from python_backends.ort.model_config import ModelConfigError, TensorRtSettings, model_file, parse_model_config


def triton_config(**overrides):
    """A config dict shaped like the JSON the Python backend passes in `args["model_config"]`."""
    config = {
        "name": "face_embedder",
        "max_batch_size": 8,
        "input": [{"name": "input", "data_type": "TYPE_FP32", "dims": ["3", "112", "112"]}],
        "output": [{"name": "embedding", "data_type": "TYPE_FP32", "dims": [-1]}],
        "parameters": {},
    }
    config.update(overrides)
    return config


def test_reads_tensors_batching_and_defaults():
    config = parse_model_config(triton_config())
    assert config.name == "face_embedder"
    assert config.batched
    assert config.inputs[0].dims == (3, 112, 112)
    assert config.inputs[0].dtype == np.float32
    assert config.output_names == ["embedding"]
    assert config.model_filename == "model.onnx"
    assert (config.intra_op_threads, config.inter_op_threads) == (0, 0)


def test_reshape_gives_the_shape_the_backend_receives():
    entry = {"name": "input", "data_type": "TYPE_FP32", "dims": [12], "reshape": {"shape": [3, 4]}}
    assert parse_model_config(triton_config(input=[entry])).inputs[0].dims == (3, 4)


def test_thread_counts_use_the_native_backend_keys():
    parameters = {"intra_op_thread_count": {"string_value": "2"}, "inter_op_thread_count": {"string_value": "1"}}
    config = parse_model_config(triton_config(parameters=parameters))
    assert (config.intra_op_threads, config.inter_op_threads) == (2, 1)


@pytest.mark.parametrize("value", ["two", "-1"])
def test_bad_thread_count_is_refused_with_the_model_name(value):
    with pytest.raises(ModelConfigError, match="face_embedder.*intra_op_thread_count"):
        parse_model_config(triton_config(parameters={"intra_op_thread_count": {"string_value": value}}))


def test_unsupported_data_type_is_refused():
    entry = {"name": "IMAGE", "data_type": "TYPE_STRING", "dims": [1]}
    with pytest.raises(ModelConfigError, match="IMAGE"):
        parse_model_config(triton_config(input=[entry]))


def test_model_file_honours_default_model_filename():
    config = parse_model_config(triton_config(default_model_filename="detector.onnx", max_batch_size=0))
    assert not config.batched
    assert model_file(Path("/repo/face_detector"), "1", config) == Path("/repo/face_detector/1/detector.onnx")


def _accelerator(name="tensorrt", **parameters):
    return {"execution_accelerators": {"gpu_execution_accelerator": [{"name": name, "parameters": parameters}]}}


def test_tensorrt_accelerator_uses_the_native_backend_keys():
    assert parse_model_config(triton_config()).tensorrt is None
    config = parse_model_config(triton_config(optimization=_accelerator(
        precision_mode="FP16", trt_engine_cache_enable="true", trt_engine_cache_path="/var/cache/trt")))
    assert config.tensorrt == TensorRtSettings(fp16=True, engine_cache_path="/var/cache/trt")
    assert parse_model_config(triton_config(optimization=_accelerator())).tensorrt == TensorRtSettings()


@pytest.mark.parametrize("optimization, problem", [
    (_accelerator("openvino"), "unsupported GPU execution accelerator"),
    (_accelerator(precision_mode="INT8"), "precision_mode"),
])
def test_unsupported_accelerators_are_refused(optimization, problem):
    with pytest.raises(ModelConfigError, match=problem):
        parse_model_config(triton_config(optimization=optimization))
