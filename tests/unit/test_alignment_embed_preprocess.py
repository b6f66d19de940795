"""Embedder input: request checks, the DALI warp against a direct resampling, and the real
embedder separating people with this alignment."""

from __future__ import annotations

import functools
import io

import numpy as np
import pytest

from facegate import testdata
from facegate.paths import MODEL_REPOSITORY
from python_backends.alignment.arcface import ARCFACE_112
from python_backends.alignment.embed_preprocess import EmbedPreprocessor, landmarks_batch
from python_backends.imaging import DecodeSettings, InvalidImagesError
from python_backends.imaging.input_spec import DETECTOR_INPUT, EMBEDDER_INPUT, ModelInputSpec


@functools.cache
def _preprocessor() -> EmbedPreprocessor:
    return EmbedPreprocessor(EMBEDDER_INPUT, DecodeSettings(max_batch_size=8))


def test_landmarks_batch_checks_shape_and_values():
    assert landmarks_batch(np.zeros((2, 5, 2), np.float32), 2).dtype == np.float64
    with pytest.raises(ValueError, match=r"\[1, 5, 2\]"):
        landmarks_batch(np.zeros((2, 5, 2)), 1)
    with pytest.raises(ValueError, match="finite"):
        landmarks_batch(np.full((1, 5, 2), np.nan), 1)


def test_warp_matches_direct_resampling():
    from PIL import Image

    blob = testdata.read("obama")
    placed = ARCFACE_112 * 2.2 + [330.0, 190.0]  # a face twice the template size
    matrix = _preprocessor().crop_matrix(placed)
    (crop,) = _preprocessor().run([(blob, matrix)])
    assert crop.shape == (1, 3, 112, 112) and crop.dtype == np.uint8  # pixels: the model normalises them
    rgb = Image.open(io.BytesIO(blob)).convert("RGB")
    expected = np.asarray(rgb.transform((112, 112), Image.AFFINE, tuple(matrix.ravel()), Image.BILINEAR), np.float32)
    assert np.abs(crop[0].transpose(1, 2, 0) - expected).mean() < 2.0  # decoder and interpolation rounding only


def test_bad_image_is_named():
    matrix = _preprocessor().crop_matrix(ARCFACE_112 + 10)
    with pytest.raises(InvalidImagesError) as error:
        _preprocessor().run([(testdata.read("obama"), matrix), (b"not an image", matrix)])
    assert list(error.value.problems) == [1]


def test_same_person_is_closer_than_different_people():
    ort = pytest.importorskip("onnxruntime")
    paths = [MODEL_REPOSITORY / name / "1" / "model.onnx" for name in ("face_detector", "face_embedder")]
    if not all(path.exists() for path in paths):
        pytest.skip("face_detector / face_embedder not built (facegate models build)")
    from python_backends.detection import DetectionParams, DetectPreprocessor, Letterbox, find_faces

    detector, embedder = (ort.InferenceSession(str(p), providers=["CPUExecutionProvider"]) for p in paths)
    names = ["obama", "obama2", "obama3", "biden", "su", "hao", "anc", "di_yaw45", "single_face"]
    blobs = [testdata.read(name) for name in names]
    detector_input = DETECTOR_INPUT.with_parameters({"input_size": "640"})
    det_input, det_meta = DetectPreprocessor(detector_input, DecodeSettings(max_batch_size=16)).run(blobs)
    loc, conf, landms = detector.run(["loc", "conf", "landms"], {"input": det_input})
    landmarks = [find_faces(loc[i], conf[i], landms[i], Letterbox.from_meta(det_meta[i]), DetectionParams())[0].landmarks
                 for i in range(len(blobs))]
    (crops,) = _preprocessor().run([(b, _preprocessor().crop_matrix(p)) for b, p in zip(blobs, landmarks)])
    (embeddings,) = embedder.run(["embedding"], {"input": crops})
    similarity = embeddings @ embeddings.T
    same = similarity[:3, :3][np.triu_indices(3, 1)]
    different = np.concatenate([similarity[:3, 3:].ravel(), similarity[3:, 3:][np.triu_indices(len(names) - 3, 1)]])
    assert same.min() > 0.6 and different.max() < same.min() - 0.15


def test_channel_order_follows_the_spec():
    blob = testdata.read("obama")
    rgb_spec = ModelInputSpec(64, (10.0, 20.0, 30.0), (2.0, 4.0, 8.0), "RGB")
    bgr_spec = ModelInputSpec(64, (30.0, 20.0, 10.0), (8.0, 4.0, 2.0), "BGR")
    crops = []
    for spec in (rgb_spec, bgr_spec):
        preprocessor = EmbedPreprocessor(spec, DecodeSettings(max_batch_size=1))
        (crop,) = preprocessor.run([(blob, preprocessor.crop_matrix(ARCFACE_112 * 2 + 300))])
        crops.append(crop[0])
    assert crops[0].shape == (3, 64, 64) and crops[0].dtype == np.uint8 and crops[0].std() > 10
    np.testing.assert_array_equal(crops[1], crops[0][::-1])  # same pixels, channels reversed
