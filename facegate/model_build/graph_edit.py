"""ONNX graph surgery used after conversion: contract names, dynamic batch, small output heads.

Pure functions over `onnx.ModelProto` (edited in place); no runtime needed.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import helper, numpy_helper

BATCH = "batch"


def rename_value(model: onnx.ModelProto, old: str, new: str) -> None:
    """Rename a tensor everywhere it appears (graph inputs/outputs, node inputs/outputs)."""
    graph = model.graph
    for value in [*graph.input, *graph.output, *graph.value_info]:
        if value.name == old:
            value.name = new
    for node in graph.node:
        node.input[:] = [new if name == old else name for name in node.input]
        node.output[:] = [new if name == old else name for name in node.output]


def set_shape(model: onnx.ModelProto, tensor: str, dims: list[int | str]) -> None:
    """Declare a graph input's or output's shape; str = symbolic dimension."""
    value = next(v for v in [*model.graph.input, *model.graph.output] if v.name == tensor)
    shape = value.type.tensor_type.shape
    del shape.dim[:]
    for size in dims:
        dim = shape.dim.add()
        if isinstance(size, str):
            dim.dim_param = size
        else:
            dim.dim_value = size


def _initializer(graph: onnx.GraphProto, name: str) -> onnx.TensorProto | None:
    return next((init for init in graph.initializer if init.name == name), None)


def make_batch_dynamic(model: onnx.ModelProto, fixed_batch: int) -> int:
    """Turn a graph exported with a fixed batch into one with a dynamic batch.

    Sets dim 0 of every graph input and output to the symbol `batch` and rewrites Reshape
    target shapes that hard-code the batch (leading element == `fixed_batch`) to 0, which
    ONNX Reshape reads as "copy this dimension from the input". Stale intermediate shape
    annotations are dropped. Returns how many Reshape shapes were rewritten; the caller must
    still prove the result by running a batch against single runs.
    """
    graph = model.graph
    for value in [*graph.input, *graph.output]:
        dim = value.type.tensor_type.shape.dim[0]
        dim.ClearField("dim_value")
        dim.dim_param = BATCH
    del graph.value_info[:]
    users: dict[str, int] = {}
    for node in graph.node:
        for name in node.input:
            users[name] = users.get(name, 0) + 1
    rewritten = 0
    for node in graph.node:
        if node.op_type != "Reshape":
            continue
        init = _initializer(graph, node.input[1])
        if init is None:
            continue
        shape = numpy_helper.to_array(init)
        if shape.ndim != 1 or shape.size == 0 or shape[0] != fixed_batch:
            continue
        new_shape = shape.copy()
        new_shape[0] = 0
        if users[init.name] > 1:  # shared constant: give this Reshape its own copy
            init = graph.initializer.add()
            init.name = f"{node.input[1]}__dynamic_batch_{rewritten}"
            node.input[1] = init.name
        init.CopyFrom(numpy_helper.from_array(new_shape, init.name))
        rewritten += 1
    return rewritten


def add_output_head(model: onnx.ModelProto, source: str, output: str, width: int, ops: list[str]) -> None:
    """Replace graph output `source` by `output` `[batch, width]`: flatten, then the given ops.

    `ops` items: "Sigmoid" or "L2Normalize" (unit length along the feature axis).
    """
    graph = model.graph
    current = f"{output}__flat"
    shape_name = f"{output}__shape"
    graph.initializer.append(numpy_helper.from_array(np.array([-1, width], dtype=np.int64), shape_name))
    nodes = [helper.make_node("Reshape", [source, shape_name], [current])]
    for index, op in enumerate(ops):
        out = f"{output}__{index}"
        if op == "Sigmoid":
            nodes.append(helper.make_node("Sigmoid", [current], [out]))
        elif op == "L2Normalize":
            nodes.append(helper.make_node("LpNormalization", [current], [out], axis=-1, p=2))
        else:
            raise ValueError(f"unknown head op {op}")
        current = out
    nodes[-1].output[0] = output
    graph.node.extend(nodes)
    _replace_output(graph, source, output, width)


def add_weighted_abs_sum(model: onnx.ModelProto, values: str, weights: str, output: str) -> None:
    """New output `[batch, 1]` = sum_i |values_i| * weights_i, replacing outputs `values` and `weights`."""
    graph = model.graph
    axes = f"{output}__axes"
    graph.initializer.append(numpy_helper.from_array(np.array([1], dtype=np.int64), axes))
    graph.node.extend([
        helper.make_node("Abs", [values], [f"{output}__abs"]),
        helper.make_node("Mul", [f"{output}__abs", weights], [f"{output}__weighted"]),
        helper.make_node("ReduceSum", [f"{output}__weighted", axes], [output], keepdims=1),
    ])
    _replace_output(graph, values, output, 1)
    kept = [value for value in graph.output if value.name != weights]
    del graph.output[:]
    graph.output.extend(kept)


def _replace_output(graph: onnx.GraphProto, old: str, new: str, width: int) -> None:
    for index, value in enumerate(graph.output):
        if value.name == old:
            graph.output.remove(value)
            graph.output.insert(index, helper.make_tensor_value_info(new, onnx.TensorProto.FLOAT, [BATCH, width]))
            return
    raise KeyError(f"{old} is not a graph output")


def restore_matmul_biases(model: onnx.ModelProto, biases: dict[str, np.ndarray]) -> list[str]:
    """Add the bias back after a MatMul whose output tensor is named in `biases`.

    tf2onnx was seen to convert some TFLite FULLY_CONNECTED ops (fp16 weights behind a
    DEQUANTIZE) to a bare MatMul, silently dropping the bias. Returns the repaired tensors.
    """
    graph = model.graph
    repaired: list[str] = []
    for position, node in enumerate(list(graph.node)):
        if node.op_type != "MatMul" or node.output[0] not in biases:
            continue
        result = node.output[0]
        node.output[0] = f"{result}__without_bias"
        bias_name = f"{result}__bias"
        graph.initializer.append(numpy_helper.from_array(biases[result].astype(np.float32), bias_name))
        graph.node.insert(position + 1 + len(repaired),
                          helper.make_node("Add", [node.output[0], bias_name], [result]))
        repaired.append(result)
    return repaired


def drop_unused_nodes(model: onnx.ModelProto) -> None:
    """Keep only the nodes the graph outputs depend on (heads a contract leaves out)."""
    needed = {output.name for output in model.graph.output}
    kept = []
    for node in reversed(model.graph.node):
        if needed.intersection(node.output):
            kept.append(node)
            needed.update(node.input)
    del model.graph.node[:]
    model.graph.node.extend(reversed(kept))


def drop_unused_initializers(model: onnx.ModelProto) -> None:
    used = {name for node in model.graph.node for name in node.input}
    kept = [init for init in model.graph.initializer if init.name in used]
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept)


def take_pixels(model: onnx.ModelProto, name: str, mean: tuple[float, ...], std: tuple[float, ...]) -> None:
    """Graph input `name` becomes uint8 pixels (NCHW, same shape), normalised inside the graph as the
    preprocessing did before: `(pixel - mean[c]) * (1 / std[c])` in float32. The server then moves a
    quarter of the bytes from the pre-processing models to the model."""
    graph = model.graph
    value = next(v for v in graph.input if v.name == name)
    normalised = f"{name}__normalised"
    for node in graph.node:
        node.input[:] = [normalised if used == name else used for used in node.input]
    value.type.tensor_type.elem_type = onnx.TensorProto.UINT8
    channel = (1, len(mean), 1, 1)
    graph.initializer.extend([
        numpy_helper.from_array(np.asarray(mean, np.float32).reshape(channel), f"{name}__mean"),
        numpy_helper.from_array((1 / np.asarray(std, np.float32)).reshape(channel), f"{name}__inverse_std")])
    for position, node in enumerate([
            helper.make_node("Cast", [name], [f"{name}__float"], to=onnx.TensorProto.FLOAT),
            helper.make_node("Sub", [f"{name}__float", f"{name}__mean"], [f"{name}__centred"]),
            helper.make_node("Mul", [f"{name}__centred", f"{name}__inverse_std"], [normalised])]):
        graph.node.insert(position, node)
