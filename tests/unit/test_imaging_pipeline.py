import io

import numpy as np
import pytest
from nvidia.dali import types
from PIL import Image

from python_backends.imaging.errors import InvalidImagesError
from python_backends.imaging.pipeline import ImagePipeline, decode_images, warp_affine
from python_backends.imaging.settings import DecodeSettings

SETTINGS = DecodeSettings(max_batch_size=4, num_threads=1)


def _image(height: int, width: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


def _encode(rgb: np.ndarray, fmt: str) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, format=fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return out.getvalue()


def _identity() -> ImagePipeline:
    return ImagePipeline(lambda images, _: (images,), SETTINGS)


def _truncated_jpeg() -> bytes:
    blob = _encode(_image(64, 64), "JPEG")
    return blob[:len(blob) // 2]  # headers intact, entropy-coded data cut


def test_decodes_mixed_formats_and_sizes_to_rgb():
    images = [_image(20, 30, 1), _image(33, 17, 2), _image(40, 40, 3)]
    blobs = [_encode(images[0], "PNG"), _encode(images[1], "BMP"), _encode(images[2], "JPEG")]
    decoded = decode_images(blobs, SETTINGS)
    assert np.array_equal(decoded[0], images[0]) and np.array_equal(decoded[1], images[1])
    reference = np.asarray(Image.open(io.BytesIO(blobs[2])).convert("RGB")).astype(int)
    assert decoded[2].shape == (40, 40, 3) and np.abs(decoded[2].astype(int) - reference).mean() < 2


def test_batches_larger_than_the_pipeline_run_in_order():
    images = [_image(20 + i, 30 + i, seed=i) for i in range(10)]
    decoded = _identity().run_samples([_encode(image, "PNG") for image in images])[0]
    assert all(np.array_equal(d, image) for d, image in zip(decoded, images))
    shift = ImagePipeline(lambda images, _: (images[:8, :8],), SETTINGS)
    (stacked,) = shift.run([_encode(image, "PNG") for image in images])
    assert np.array_equal(stacked, np.stack([image[:8, :8] for image in images]))


def test_names_every_bad_image_before_decoding():
    pipeline = _identity()
    good = _encode(_image(20, 20), "PNG")
    huge_header = _encode(_image(20, 20), "PNG")
    huge_header = huge_header[:16] + (10_000).to_bytes(4, "big") + (10_000).to_bytes(4, "big") + huge_header[24:]
    with pytest.raises(InvalidImagesError) as caught:
        pipeline.run_samples([good, b"not an image", good, huge_header, _encode(_image(8, 40), "PNG")])
    assert sorted(caught.value.problems) == [1, 3, 4]
    assert "exceeds" in caught.value.problems[3] and "smaller than 16" in caught.value.problems[4]


@pytest.mark.parametrize("position", [0, 2, 5])
def test_corrupt_image_is_named_and_pipeline_keeps_working(position):
    pipeline = _identity()
    blobs = [_encode(_image(24, 24, i), "PNG") for i in range(6)]
    blobs[position] = _truncated_jpeg()
    with pytest.raises(InvalidImagesError) as caught:
        pipeline.run_samples(blobs)
    assert list(caught.value.problems) == [position]
    assert "corrupt or truncated" in str(caught.value)
    good = [_encode(_image(24, 24), "PNG")] * 3
    assert len(pipeline.run_samples(good)[0]) == 3


def test_run_stacks_uniform_outputs():
    pipeline = ImagePipeline(lambda images, _: (images.shape(),), SETTINGS)
    (shapes,) = pipeline.run([_encode(_image(20, 30), "PNG"), _encode(_image(21, 31), "PNG")])
    assert shapes.tolist() == [[20, 30, 3], [21, 31, 3]]


def test_sample_inputs_must_match_the_batch():
    pipeline = ImagePipeline(lambda images, inputs: (images,), SETTINGS, sample_inputs={"matrix": types.FLOAT})
    blob = _encode(_image(20, 20), "PNG")
    with pytest.raises(TypeError, match="matrix"):
        pipeline.run([blob])
    with pytest.raises(ValueError, match="1 values for 2 images"):
        pipeline.run([blob, blob], matrix=[np.eye(2, 3, dtype=np.float32)])


def test_warp_affine_maps_output_to_source_with_per_sample_matrices():
    pipeline = ImagePipeline(lambda images, inputs: (warp_affine(images, inputs["matrix"], size=(3, 5)),),
                             SETTINGS, sample_inputs={"matrix": types.FLOAT})
    image = _image(20, 30)
    shift = np.array([[1, 0, 7], [0, 1, 4]], np.float32)  # output (x, y) reads source (x + 7, y + 4)
    half = np.array([[2, 0, 0], [0, 2, 0]], np.float32)  # output x reads source 2x (continuous coordinates)
    (crops,) = pipeline.run([_encode(image, "PNG")] * 2, matrix=[shift, half])
    assert crops.shape == (2, 3, 5, 3)
    assert np.array_equal(crops[0], image[4:7, 7:12])
    # output pixel (0, 0) has centre (0.5, 0.5) -> source (1, 1): the mean of source pixels 0 and 1
    expected = image[0:2, 0:2].astype(float).mean(axis=(0, 1))
    assert np.allclose(crops[1][0, 0], expected, atol=1)
