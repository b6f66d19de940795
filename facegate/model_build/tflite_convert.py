"""Convert one TFLite model to its contract ONNX and check it against the TFLite interpreter.

Runs in the build environment (tensorflow + tf2onnx), as
`python -m facegate.model_build.tflite_convert NAME MODEL.tflite DETECTOR.onnx OUT.onnx`;
prints the check result as one JSON line and exits non-zero when the check fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx

from facegate.model_build import compare, graph_edit
from facegate.model_build.contracts import CONTRACTS
from facegate.model_build.face_crops import Detector, Sample, aligned_crop, real_faces, square_crop

OPSET = 17
BATCH_CHECK = 8
Raw = dict[str, np.ndarray]


@dataclass(frozen=True)
class Recipe:
    """Model-specific steps: the crop it sees, its output heads, and the same heads in numpy."""

    crop: Callable[[Sample, int], np.ndarray]
    add_heads: Callable[[onnx.ModelProto, "Reference"], dict]
    reference_outputs: Callable[[Raw], compare.Outputs]


def _embedder_heads(model: onnx.ModelProto, _: "Reference") -> dict:
    graph_edit.add_output_head(model, "embeddings", "embedding", 192, ["L2Normalize"])
    return {}


def _antispoof_heads(model: onnx.ModelProto, reference: "Reference") -> dict:
    repaired = graph_edit.restore_matmul_biases(model, reference.fully_connected_biases())
    graph_edit.add_weighted_abs_sum(model, "Identity", "Identity_1", "spoof_score")
    return {"restored_biases": len(repaired)}


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


RECIPES: dict[str, Recipe] = {
    "face_embedder": Recipe(
        lambda s, size: aligned_crop(s.rgb, s.face.landmarks, size), _embedder_heads,
        lambda raw: {"embedding": _unit(raw["embeddings"])}),
    "face_antispoof": Recipe(
        lambda s, size: square_crop(s.rgb, s.face.box, size), _antispoof_heads,
        lambda raw: {"spoof_score": np.sum(np.abs(raw["Identity"]) * raw["Identity_1"], axis=1, keepdims=True)}),
}


class Reference:
    """The original TFLite interpreter, run one image at a time (its batch is fixed)."""

    def __init__(self, tflite: Path):
        import tensorflow as tf

        # Reference kernels, no XNNPACK delegate: the delegate swallows the DEQUANTIZE ops whose
        # constant inputs fully_connected_biases() reads.
        self._interpreter = tf.lite.Interpreter(
            model_path=str(tflite),
            experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
        self._interpreter.allocate_tensors()
        (self._input,) = self._interpreter.get_input_details()
        self.input_name = self._input["name"]
        self.fixed_batch = int(self._input["shape"][0])

    def run_one(self, nhwc: np.ndarray) -> Raw:
        """One image `[H,W,3]`, repeated to the fixed batch; returns row 0 of every output."""
        self._interpreter.set_tensor(self._input["index"], np.repeat(nhwc[None], self.fixed_batch, axis=0))
        self._interpreter.invoke()
        return {o["name"]: self._interpreter.get_tensor(o["index"])[:1] for o in self._interpreter.get_output_details()}

    def fully_connected_biases(self) -> dict[str, np.ndarray]:
        """Bias values of every FULLY_CONNECTED op, by the op's output tensor name.

        A bias stored as fp16 behind a DEQUANTIZE op is read from that op's constant input.
        """
        tensors = {t["index"]: t["name"] for t in self._interpreter.get_tensor_details()}
        ops = self._interpreter._get_ops_details()  # no public API lists ops with their tensors
        producers = {out: op for op in ops for out in op["outputs"]}
        biases = {}
        for op in ops:
            if op["op_name"] != "FULLY_CONNECTED" or len(op["inputs"]) < 3 or op["inputs"][2] < 0:
                continue
            bias = op["inputs"][2]
            producer = producers.get(bias)
            if producer is not None and producer["op_name"] == "DEQUANTIZE":
                bias = producer["inputs"][0]
            biases[tensors[op["outputs"][0]]] = self._interpreter.get_tensor(bias).astype(np.float32)
        return biases


def convert(name: str, tflite: Path, reference: Reference) -> tuple[onnx.ModelProto, dict]:
    import tf2onnx

    model, _ = tf2onnx.convert.from_tflite(str(tflite), opset=OPSET, inputs_as_nchw=[reference.input_name])
    graph_edit.rename_value(model, reference.input_name, "input")
    notes = {"fixed_batch_reshapes": graph_edit.make_batch_dynamic(model, reference.fixed_batch)}
    notes |= RECIPES[name].add_heads(model, reference)
    graph_edit.drop_unused_initializers(model)
    onnx.checker.check_model(model)
    return model, notes


def check(name: str, model: onnx.ModelProto, reference: Reference, samples: list[Sample]) -> dict:
    import onnxruntime as ort

    contract, recipe = CONTRACTS[name], RECIPES[name]
    height, width = contract.preprocessing.size
    crops = np.stack([recipe.crop(sample, height) for sample in samples])
    inputs = contract.preprocessing.to_input(crops)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])

    def run(batch: np.ndarray) -> compare.Outputs:
        return dict(zip(contract.outputs, session.run(list(contract.outputs), {"input": batch})))

    raw = [reference.run_one(x.transpose(1, 2, 0)) for x in inputs]
    expected = recipe.reference_outputs({k: np.concatenate([r[k] for r in raw]) for k in raw[0]})
    vs_tflite = compare.compare(run(inputs), expected)
    compare.require(vs_tflite, f"{name} ONNX vs TFLite")
    batching = compare.batch_vs_single(run, inputs[:BATCH_CHECK])
    compare.require(batching, f"{name} batch of {BATCH_CHECK} vs single runs")
    return {"samples": f"{len(samples)} real face crops (photos + video frames)",
            "vs_original": compare.summary(vs_tflite), "tolerance": {c.output: c.tolerance for c in vs_tflite},
            "batch_vs_single": compare.summary(batching)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("name", choices=sorted(RECIPES))
    parser.add_argument("tflite", type=Path)
    parser.add_argument("detector", type=Path, help="built face_detector ONNX, to crop real faces")
    parser.add_argument("output", type=Path)
    args = parser.parse_args(argv)
    reference = Reference(args.tflite)
    model, notes = convert(args.name, args.tflite, reference)
    try:
        result = check(args.name, model, reference, real_faces(Detector(args.detector)))
    except compare.CheckFailed as error:
        print(f"check failed: {error}", file=sys.stderr)
        return 1
    onnx.save(model, str(args.output))
    print(json.dumps(result | notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
