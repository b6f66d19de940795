import numpy as np

from facegate import testdata
from python_backends.alignment.arcface import ARCFACE_112
from python_backends.alignment.embed_preprocess import EmbedPreprocessor
from python_backends.imaging.input_spec import ModelInputSpec
from python_backends.imaging import DecodeSettings


def test_channel_order_and_normalisation_follow_the_spec():
    blob = testdata.read("obama")
    rgb_spec = ModelInputSpec(64, (10.0, 20.0, 30.0), (2.0, 4.0, 8.0), "RGB")
    bgr_spec = ModelInputSpec(64, (30.0, 20.0, 10.0), (8.0, 4.0, 2.0), "BGR")
    crops = []
    for spec in (rgb_spec, bgr_spec):
        preprocessor = EmbedPreprocessor(spec, DecodeSettings(max_batch_size=1))
        (crop,) = preprocessor.run([(blob, preprocessor.crop_matrix(ARCFACE_112 * 2 + 300))])
        crops.append(crop[0])
    assert crops[0].shape == (3, 64, 64)
    np.testing.assert_allclose(crops[1], crops[0][::-1], atol=1e-5)  # same pixels, channels reversed
    pixels = crops[0] * np.array([2.0, 4.0, 8.0])[:, None, None] + np.array([10.0, 20.0, 30.0])[:, None, None]
    assert pixels.min() >= -1e-3 and pixels.max() <= 255 + 1e-3 and pixels.std() > 10
