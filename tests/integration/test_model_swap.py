"""Swapping the embedding model by configuration alone: input size, channel order, embedding size (the
normalisation is the model's own: models take uint8 pixels).

The stand-in "other" model is the built MobileFaceNet behind a different front and back: it takes
128x128 BGR pixels and returns a 256-d embedding (an orthonormal projection of the 192-d one, so
cosines are preserved). Only config.pbtxt files change; no code does.
"""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from facegate import testdata
from facegate.paths import MODEL_REPOSITORY
from facegate_client import ModelsClient
from tests.integration.server_fixture import suite_server

pytestmark = pytest.mark.integration

DETECT_AND_EMBED = ("detect_preprocess", "face_detector", "detect_postprocess", "detect",
                    "embed_preprocess", "face_embedder", "embed")
SIZE, DIM = 128, 256


def _swapped_embedder(original: Path, target: Path) -> None:
    """original(x) takes RGB 112x112 pixels (and normalises them itself); this one takes BGR 128x128 pixels."""
    model = onnx.load(original)
    graph = model.graph
    projection = np.linalg.qr(np.random.default_rng(7).normal(size=(DIM, 192)))[0].T.astype(np.float32)  # (192, DIM)
    graph.initializer.extend([
        numpy_helper.from_array(np.array([2, 1, 0], dtype=np.int64), "swap_bgr"),
        numpy_helper.from_array(np.array([1, 1, 112 / SIZE, 112 / SIZE], dtype=np.float32), "swap_scales"),
        numpy_helper.from_array(projection, "swap_projection"),
    ])
    for node in graph.node:
        node.input[:] = ["swap_front" if name == "input" else name for name in node.input]
        node.output[:] = ["swap_embedding192" if name == "embedding" else name for name in node.output]
    front = [  # float pixels into the original's own normalisation (its Cast to float passes them on)
        helper.make_node("Cast", ["input"], ["swap_float"], to=TensorProto.FLOAT),
        helper.make_node("Gather", ["swap_float", "swap_bgr"], ["swap_rgb"], axis=1),
        helper.make_node("Resize", ["swap_rgb", "", "swap_scales"], ["swap_front"], mode="linear"),
    ]
    back = [helper.make_node("MatMul", ["swap_embedding192", "swap_projection"], ["embedding"])]
    nodes = front + list(graph.node) + back
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.input[:]
    graph.input.append(helper.make_tensor_value_info("input", TensorProto.UINT8, ["N", 3, SIZE, SIZE]))
    del graph.output[:]
    graph.output.append(helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["N", DIM]))
    onnx.checker.check_model(model)
    onnx.save(model, target)


def _edit(path: Path, replacements: dict[str, str]) -> None:
    text = path.read_text()
    for pattern, value in replacements.items():
        text, count = re.subn(pattern, value, text)
        assert count, f"{pattern!r} not found in {path}"
    path.write_text(text)


@pytest.fixture(scope="module")
def swapped_repository(tmp_path_factory) -> Path:
    repo = tmp_path_factory.mktemp("swapped") / "model_repository"
    for name in DETECT_AND_EMBED:
        shutil.copytree(MODEL_REPOSITORY / name, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
    _swapped_embedder(MODEL_REPOSITORY / "face_embedder/1/model.onnx", repo / "face_embedder/1/model.onnx")
    _edit(repo / "face_embedder/config.pbtxt", {r"dims: \[ 3, 112, 112 \]": f"dims: [ 3, {SIZE}, {SIZE} ]",
                                                r"dims: \[ 192 \]": f"dims: [ {DIM} ]"})
    _edit(repo / "embed_preprocess/config.pbtxt", {r"dims: \[ 3, 112, 112 \]": f"dims: [ 3, {SIZE}, {SIZE} ]"})
    with (repo / "embed_preprocess/config.pbtxt").open("a") as config:
        for key, value in {"input_size": SIZE, "channel_order": "BGR"}.items():
            config.write(f'parameters {{ key: "{key}" value: {{ string_value: "{value}" }} }}\n')
    return repo


def _embeddings(url: str, names: list[str]) -> np.ndarray:
    images = [testdata.read(n) for n in names]
    with ModelsClient(url) as client:
        faces = [found[0] for found in client.detect(images)]
        return client.embed(images, [f.landmarks for f in faces])


def test_another_embedder_runs_by_configuration_alone(triton_server, swapped_repository):
    names = ["obama", "obama2", "obama3", "biden", "su", "hao"]
    original = _embeddings(triton_server.grpc_url, names)
    with suite_server(swapped_repository) as server:
        swapped = _embeddings(server.grpc_url, names)
    assert original.shape == (len(names), 192) and swapped.shape == (len(names), DIM)
    pairs = list(itertools.combinations(range(len(names)), 2))
    before = np.array([original[i] @ original[j] for i, j in pairs])
    after = np.array([swapped[i] @ swapped[j] for i, j in pairs])
    # Same faces, same network: cosines agree up to the 128 -> 112 resampling.
    np.testing.assert_allclose(after, before, atol=0.05)  # measured 0.026; with the channel order left at RGB: 0.10
    genuine = [k for k, (i, j) in enumerate(pairs) if names[i].startswith("obama") and names[j].startswith("obama")]
    assert after[genuine].min() > np.delete(after, genuine).max()
