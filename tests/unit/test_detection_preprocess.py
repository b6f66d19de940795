import io

import numpy as np
import pytest
from PIL import Image

from python_backends.detection.letterbox import Letterbox
from python_backends.detection.preprocess import DetectPreprocessor
from python_backends.imaging import DecodeSettings, InvalidImagesError
from python_backends.imaging.input_spec import DETECTOR_INPUT, ModelInputSpec

SETTINGS = DecodeSettings(max_batch_size=4, num_threads=1)


def _png(height: int, width: int, rgb: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), rgb).save(out, format="PNG")
    return out.getvalue()


def test_letterboxes_into_the_top_left_in_bgr_padded_with_the_mean_colour():
    spec = ModelInputSpec(64, (10, 20, 30), (1, 2, 4), "BGR")
    inputs, meta = DetectPreprocessor(spec, SETTINGS).run([_png(100, 200, (200, 100, 50))])
    assert inputs.shape == (1, 3, 64, 64) and inputs.dtype == np.uint8  # pixels: the model normalises them
    assert Letterbox.from_meta(meta[0]) == Letterbox(100, 200, 32, 64, 64)
    image_part = inputs[0, :, :32, :]
    assert np.allclose(image_part[:, 1:-1, 1:-1].reshape(3, -1).mean(axis=1), [50, 100, 200], atol=0.5)
    assert (inputs[0, :, 33:, :] == np.array([10, 20, 30], np.uint8)[:, None, None]).all()  # zeros once normalised


def test_rgb_order_and_tall_images():
    spec = ModelInputSpec(64, (0, 0, 0), (1, 1, 1), "RGB")
    inputs, meta = DetectPreprocessor(spec, SETTINGS).run([_png(300, 100, (200, 100, 50)), _png(64, 64, (1, 2, 3))])
    assert Letterbox.from_meta(meta[0]) == Letterbox(300, 100, 64, 21, 64)
    assert np.allclose(inputs[0, :, 10, 10], [200, 100, 50], atol=1) and not inputs[0, :, :, 22:].any()  # mean 0
    assert np.allclose(inputs[1, :, 30, 30], [1, 2, 3], atol=0.5)


def test_bad_image_is_named():
    with pytest.raises(InvalidImagesError) as caught:
        DetectPreprocessor(DETECTOR_INPUT, SETTINGS).run([_png(50, 50, (0, 0, 0)), b"\xff\xd8garbage"])
    assert list(caught.value.problems) == [1]


def test_detector_spec_from_parameters():
    spec = DETECTOR_INPUT.with_parameters({"input_size": "480", "channel_order": "rgb"})
    assert spec == ModelInputSpec(480, (104, 117, 127), (1, 1, 1), "RGB")
    assert DETECTOR_INPUT.with_parameters({}) == ModelInputSpec(320, (104, 117, 127), (1, 1, 1), "BGR")
