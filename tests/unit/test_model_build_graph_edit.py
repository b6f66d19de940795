import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from facegate.model_build import graph_edit


def _run(model: onnx.ModelProto, x: np.ndarray) -> dict[str, np.ndarray]:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return dict(zip([o.name for o in session.get_outputs()], session.run(None, {"x": x})))


def _fixed_batch_model(batch: int) -> onnx.ModelProto:
    """x [batch,2,3] -> Reshape to the hard-coded [batch,6] -> y."""
    shape = numpy_helper.from_array(np.array([batch, 6], dtype=np.int64), "shape")
    graph = helper.make_graph(
        [helper.make_node("Reshape", ["x", "shape"], ["y"])], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, 6])], [shape])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def test_make_batch_dynamic_rewrites_hard_coded_reshape_and_runs_any_batch():
    model = _fixed_batch_model(2)
    assert graph_edit.make_batch_dynamic(model, fixed_batch=2) == 1
    x = np.arange(5 * 6, dtype=np.float32).reshape(5, 2, 3)
    np.testing.assert_array_equal(_run(model, x)["y"], x.reshape(5, 6))
    assert model.graph.input[0].type.tensor_type.shape.dim[0].dim_param == graph_edit.BATCH


def test_make_batch_dynamic_leaves_non_batch_reshapes_alone():
    model = _fixed_batch_model(1)
    model.graph.initializer[0].CopyFrom(numpy_helper.from_array(np.array([-1, 6], dtype=np.int64), "shape"))
    assert graph_edit.make_batch_dynamic(model, fixed_batch=1) == 0


def test_rename_value_renames_graph_io_and_node_ends():
    model = _fixed_batch_model(1)
    graph_edit.rename_value(model, "y", "out")
    assert model.graph.output[0].name == "out" and model.graph.node[0].output[0] == "out"


def test_restore_matmul_biases_adds_the_bias_back():
    weight = numpy_helper.from_array(np.eye(3, dtype=np.float32), "w")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["dense"]), helper.make_node("Relu", ["dense"], ["y"])], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])], [weight])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    bias = np.array([1.0, -5.0, 2.0], dtype=np.float32)
    assert graph_edit.restore_matmul_biases(model, {"dense": bias, "absent": bias}) == ["dense"]
    onnx.checker.check_model(model)
    x = np.array([[1.0, 1.0, 1.0]], dtype=np.float32)
    np.testing.assert_allclose(_run(model, x)["y"], np.maximum(x + bias, 0))


def _two_output_model() -> onnx.ModelProto:
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["values"]), helper.make_node("Abs", ["x"], ["weights"])], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
        [helper.make_tensor_value_info("values", TensorProto.FLOAT, ["batch", 4]),
         helper.make_tensor_value_info("weights", TensorProto.FLOAT, ["batch", 4])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def test_weighted_abs_sum_replaces_both_outputs():
    model = _two_output_model()
    graph_edit.add_weighted_abs_sum(model, "values", "weights", "score")
    x = np.array([[1.0, -2.0, 0.5, 0.0], [3.0, 0.0, -1.0, 2.0]], dtype=np.float32)
    outputs = _run(model, x)
    assert list(outputs) == ["score"]
    np.testing.assert_allclose(outputs["score"], np.sum(np.abs(x) * np.abs(x), axis=1, keepdims=True))


def test_output_head_flattens_and_normalises():
    model = _two_output_model()
    graph_edit.add_output_head(model, "values", "unit", 4, ["L2Normalize"])
    x = np.array([[3.0, 4.0, 0.0, 0.0], [0.0, 0.0, 0.0, 2.0]], dtype=np.float32)
    np.testing.assert_allclose(_run(model, x)["unit"], [[0.6, 0.8, 0, 0], [0, 0, 0, 1]], rtol=1e-6)


def test_drop_unused_initializers():
    model = _fixed_batch_model(1)
    model.graph.initializer.append(numpy_helper.from_array(np.zeros(3, np.float32), "orphan"))
    graph_edit.drop_unused_initializers(model)
    assert [init.name for init in model.graph.initializer] == ["shape"]


def test_set_shape_declares_symbolic_and_fixed_dims():
    model = _fixed_batch_model(1)
    graph_edit.set_shape(model, "y", ["batch", 6])
    dims = model.graph.output[0].type.tensor_type.shape.dim
    assert (dims[0].dim_param, dims[1].dim_value) == ("batch", 6)


def test_take_pixels_normalises_uint8_input_inside_the_graph():
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 2, 2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3, 2, 2])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    mean, std = (104.0, 117.0, 127.5), (1.0, 2.0, 128.0)
    graph_edit.take_pixels(model, "x", mean, std)
    onnx.checker.check_model(model, full_check=True)
    pixels = np.random.default_rng(0).integers(0, 256, (2, 3, 2, 2), dtype=np.uint8)
    expected = (pixels - np.float32(mean)[:, None, None]) * (1 / np.float32(std))[:, None, None]
    np.testing.assert_array_equal(_run(model, pixels)["y"], expected.astype(np.float32))
