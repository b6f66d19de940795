import numpy as np
import pytest

from facegate import testdata
from python_backends.imaging import DecodeSettings, InvalidImagesError
from python_backends.imaging.crops import CropPipeline

# crop -> image matrices: a scaled square inside the image, a rotated one, one reaching past the edges.
MATRICES = {"inside": np.array([[1.2, 0.0, 300.0], [0.0, 1.2, 40.0]], np.float32),
            "rotated": np.array([[0.9, -0.5, 380.0], [0.5, 0.9, 20.0]], np.float32),
            "past_edges": np.array([[3.0, 0.0, -150.0], [0.0, 3.0, -100.0]], np.float32)}
SIDES = {"large": 96, "small": 40}


def _crops(dali_warps: bool, blobs: list[bytes]) -> tuple[np.ndarray, ...]:
    pipeline = CropPipeline(SIDES, DecodeSettings(max_batch_size=4, num_threads=1), dali_warps=dali_warps)
    matrices = list(MATRICES.values())[:len(blobs)]
    return pipeline.run(blobs, large=matrices, small=matrices)


def test_host_crops_are_dalis_within_one_grey_level():
    blobs = [testdata.read("obama"), testdata.read("biden"), testdata.read("obama")]
    host, dali = _crops(False, blobs), _crops(True, blobs)
    for name, (ours, theirs) in zip(SIDES, zip(host, dali)):
        assert ours.shape == theirs.shape == (3, SIDES[name], SIDES[name], 3) and ours.dtype == np.uint8
        difference = np.abs(ours.astype(int) - theirs.astype(int))
        assert difference.max() <= 1 and difference.mean() < 0.6, name
        assert ours.std() > 20  # real image content, not a blank crop
    assert (host[0][2][:10, :10] == 0).all()  # black outside the image, as DALI's fill


def test_matrices_must_match_the_names_and_the_images():
    pipeline = CropPipeline(SIDES, DecodeSettings(max_batch_size=4, num_threads=1))
    with pytest.raises(TypeError):
        pipeline.run([testdata.read("obama")], large=[MATRICES["inside"]])
    with pytest.raises(ValueError):
        pipeline.run([testdata.read("obama")], large=[], small=[])


def test_a_broken_image_is_named():
    blob = testdata.read("obama")
    pipeline = CropPipeline(SIDES, DecodeSettings(max_batch_size=4, num_threads=1))
    with pytest.raises(InvalidImagesError) as error:
        pipeline.run([blob, blob[:len(blob) // 3]], large=[MATRICES["inside"]] * 2, small=[MATRICES["inside"]] * 2)
    assert list(error.value.problems) == [1]
