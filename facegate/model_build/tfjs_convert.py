"""Convert the tfjs face mesh (with attention) to the landmarker's contract ONNX and check it against tfjs.

Runs in the build environment (tensorflow + tf2onnx), as
`python -m facegate.model_build.tfjs_convert MODEL.json WEIGHTS.bin NODE_MODULES DETECTOR.onnx OUT.onnx`;
prints the check result as one JSON line and exits non-zero when the check fails.

The reference is tfjs itself (`@tensorflow/tfjs-backend-cpu` under node, js/tfjs_reference.js) on the
same real face crops. The contract outputs the 468-point mesh, whose eye contours are replaced by the mesh's eye contours with the refined eye contours in (x, y), as MediaPipe
does; the mesh alone barely closes its eyes in real blinks (docs/accuracy.md). Iris and lips are left out.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper

from facegate.model_build import compare, graph_edit
from facegate.model_build.contracts import CONTRACTS
from facegate.model_build.face_crops import Detector, real_faces, upright_crop

OPSET = 13
BATCH_CHECK = 8
NAME = "face_landmarker"
MESH_POINTS = 468
# tfjs output node -> values per face: the mesh, the face flag, and the refined contours (71 points, x y)
# of the subject's right eye (mesh 33..) and left eye (mesh 263..).
HEADS = {"Identity_4": 1404, "Identity": 1, "Identity_1": 142, "Identity_5": 142}
# The same heads' names in the converted graph (tf2onnx takes the signature's name where there is one).
ONNX_HEADS = {"Identity_4": "output_mesh_identity", "Identity": "output_faceflag", "Identity_1": "Identity_1:0",
              "Identity_5": "Identity_5:0"}
# MediaPipe's landmark refinement: the first 16 refined points of each eye are these mesh points
# (lower contour, then upper contour without the corners).
REFINED_EYES = {"Identity_1": (33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173),
                "Identity_5": (263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398)}
REFERENCE_JS = Path(__file__).with_name("js") / "tfjs_reference.js"


def fixed_topology(model_json: dict) -> dict:
    """tfjs stores fused convolutions without the `TArgs` attribute that TensorFlow's importer (which
    tf2onnx uses for shapes) now requires; it is one float per extra argument."""
    fixed = json.loads(json.dumps(model_json))
    for node in fixed["modelTopology"]["node"]:
        if node["op"] == "_FusedConv2D" and "TArgs" not in node["attr"]:
            count = int(node["attr"]["num_args"]["i"])
            node["attr"]["TArgs"] = {"list": {"type": ["DT_FLOAT"] * count}}
    return fixed


def convert(model_json: Path, weights: Path) -> onnx.ModelProto:
    import tensorflow as tf
    from tf2onnx import convert as tf2onnx_convert

    np.product = np.prod  # tf2onnx 1.17's tfjs reader still calls the alias numpy 2 removed
    with tempfile.TemporaryDirectory() as tmp:
        fixed = Path(tmp) / "model.json"
        fixed.write_text(json.dumps(fixed_topology(json.loads(model_json.read_text()))))
        (Path(tmp) / weights.name).write_bytes(weights.read_bytes())
        with tf.device("/cpu:0"):
            # The CLI's own path for --tfjs (tf2onnx has no public from_tfjs).
            model, _ = tf2onnx_convert._convert_common(None, name=str(fixed), opset=OPSET, tfjs_path=str(fixed))
    return to_contract(model)


def _gather_map() -> np.ndarray:
    """For each mesh point, its (x, y) row in [mesh | right-eye contour | left-eye contour]."""
    rows = np.arange(MESH_POINTS)
    for offset, indices in zip((MESH_POINTS, MESH_POINTS + 16), REFINED_EYES.values()):
        rows[list(indices)] = offset + np.arange(16)
    return rows.astype(np.int64)


def refined_mesh(heads: compare.Outputs) -> np.ndarray:
    """The contract's landmarks [N, 1404] from the raw heads (numpy twin of the graph to_contract adds)."""
    mesh = heads["Identity_4"].reshape(-1, MESH_POINTS, 3)
    eyes = [heads[name].reshape(-1, 71, 2)[:, :16] for name in REFINED_EYES]
    xy = np.concatenate([mesh[:, :, :2], *eyes], axis=1)[:, _gather_map()]
    return np.concatenate([xy, mesh[:, :, 2:]], axis=2).reshape(-1, MESH_POINTS * 3)


def _const(graph: onnx.GraphProto, name: str, values: list[int] | np.ndarray) -> str:
    graph.initializer.append(numpy_helper.from_array(np.asarray(values, np.int64), name))
    return name


def to_contract(model: onnx.ModelProto) -> onnx.ModelProto:
    """NCHW `input` (transposed to the NHWC the graph takes), `landmarks` [N, 1404] (refined_mesh),
    `face_score` [N, 1]."""
    graph = model.graph
    nhwc = graph.input[0].name
    graph.input[0].name = "input"
    for node in graph.node:
        node.input[:] = ["input_nhwc" if name == nhwc else name for name in node.input]
    heads = ONNX_HEADS
    del graph.output[:]
    node = helper.make_node
    graph.node.insert(0, node("Transpose", ["input"], ["input_nhwc"], perm=[0, 2, 3, 1]))
    graph.node.extend([
        node("Reshape", [heads["Identity_4"], _const(graph, "mesh_shape", [-1, MESH_POINTS, 3])], ["mesh"]),
        node("Slice", ["mesh", _const(graph, "xy_start", [0]), _const(graph, "xy_end", [2]),
                       _const(graph, "last_axis", [2])], ["mesh_xy"]),
        node("Slice", ["mesh", _const(graph, "z_start", [2]), _const(graph, "z_end", [3]), "last_axis"], ["mesh_z"]),
        *(step for i, name in enumerate(REFINED_EYES) for step in (
            node("Reshape", [heads[name], _const(graph, f"eye{i}_shape", [-1, 71, 2])], [f"eye{i}"]),
            node("Slice", [f"eye{i}", _const(graph, f"eye{i}_start", [0]), _const(graph, f"eye{i}_end", [16]),
                           _const(graph, f"eye{i}_axis", [1])], [f"eye{i}_contour"]))),
        node("Concat", ["mesh_xy", "eye0_contour", "eye1_contour"], ["xy_pool"], axis=1),
        node("Gather", ["xy_pool", _const(graph, "refined_rows", _gather_map())], ["refined_xy"], axis=1),
        node("Concat", ["refined_xy", "mesh_z"], ["refined"], axis=2),
        node("Reshape", ["refined", _const(graph, "landmarks_shape", [-1, MESH_POINTS * 3])], ["landmarks"]),
    ])
    graph_edit.rename_value(model, heads["Identity"], "face_score")
    graph.output.extend([helper.make_tensor_value_info("landmarks", onnx.TensorProto.FLOAT, [graph_edit.BATCH, 1404]),
                         helper.make_tensor_value_info("face_score", onnx.TensorProto.FLOAT, [graph_edit.BATCH, 1])])
    graph_edit.set_shape(model, "input", [graph_edit.BATCH, 3, 192, 192])
    del graph.value_info[:]
    graph_edit.drop_unused_nodes(model)
    graph_edit.drop_unused_initializers(model)
    onnx.checker.check_model(model)
    return model


def tfjs_outputs(model_json: Path, weights: Path, node_modules: Path, nhwc: np.ndarray) -> compare.Outputs:
    """The contract outputs computed from the original tfjs graph's heads on NHWC 0..1 inputs, run by node."""
    with tempfile.TemporaryDirectory() as tmp:
        inputs, outputs = Path(tmp) / "in.f32", Path(tmp) / "out.f32"
        np.ascontiguousarray(nhwc, np.float32).tofile(inputs)
        result = subprocess.run(["node", str(REFERENCE_JS), str(model_json), str(weights), str(inputs), str(len(nhwc)),
                                 str(outputs), ",".join(HEADS)], capture_output=True, text=True,
                                env=os.environ | {"NODE_PATH": str(node_modules)}, check=False)
        if result.returncode != 0:
            raise compare.CheckFailed(f"tfjs reference failed: {result.stderr.strip()[-1000:]}")
        flat = np.fromfile(outputs, np.float32)
    heads, offset = {}, 0
    for name, width in HEADS.items():
        heads[name] = flat[offset: offset + width * len(nhwc)].reshape(len(nhwc), width)
        offset += width * len(nhwc)
    return {"landmarks": refined_mesh(heads), "face_score": heads["Identity"]}


def check(model: onnx.ModelProto, model_json: Path, weights: Path, node_modules: Path, detector: Path) -> dict:
    import onnxruntime as ort

    contract = CONTRACTS[NAME]
    samples = real_faces(Detector(detector))
    crops = np.stack([upright_crop(sample.rgb, sample.face, 192) for sample in samples])
    inputs = contract.preprocessing.to_input(crops)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])

    def run(batch: np.ndarray) -> compare.Outputs:
        return dict(zip(contract.outputs, session.run(list(contract.outputs), {"input": batch})))

    expected = tfjs_outputs(model_json, weights, node_modules, inputs.transpose(0, 2, 3, 1))
    vs_tfjs = compare.compare(run(inputs), expected)
    compare.require(vs_tfjs, f"{NAME} ONNX vs tfjs")
    batching = compare.batch_vs_single(run, inputs[:BATCH_CHECK])
    compare.require(batching, f"{NAME} batch of {BATCH_CHECK} vs single runs")
    return {"samples": f"{len(samples)} real face crops (photos + video frames)", "reference": "tfjs-backend-cpu 4.22.0",
            "vs_original": compare.summary(vs_tfjs), "tolerance": {c.output: c.tolerance for c in vs_tfjs},
            "batch_vs_single": compare.summary(batching)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model_json", type=Path)
    parser.add_argument("weights", type=Path)
    parser.add_argument("node_modules", type=Path)
    parser.add_argument("detector", type=Path, help="built face_detector ONNX, to crop real faces")
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    model = convert(args.model_json, args.weights)
    try:
        result = check(model, args.model_json, args.weights, args.node_modules, args.detector)
    except compare.CheckFailed as error:
        print(f"check failed: {error}", file=sys.stderr)
        return 1
    onnx.save(model, str(args.output))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
