import numpy as np
import pytest

from python_backends.config_parameters import ParameterError, read_strictly
from python_backends.imaging.input_spec import EMBEDDER_INPUT, ModelInputSpec, model_pixels


def test_parameters_override_defaults_under_a_prefix():
    params = {"lmk_input_size": "224", "lmk_channel_order": "bgr", "input_size": "99"}
    spec = EMBEDDER_INPUT.with_parameters(params, "lmk_")
    assert spec == ModelInputSpec(224, EMBEDDER_INPUT.mean, EMBEDDER_INPUT.std, "BGR")
    assert EMBEDDER_INPUT.with_parameters({}) == EMBEDDER_INPUT


@pytest.mark.parametrize("params", [{"channel_order": "GRAY"}, {"input_size": "4"}])
def test_rejects_bad_parameters(params):
    with pytest.raises(ValueError):
        EMBEDDER_INPUT.with_parameters(params)


def test_the_normalisation_is_no_parameter_it_is_built_into_the_model():
    config = {"name": "embed_preprocess", "parameters": {"mean": {"string_value": "1,2,3"}}}
    with pytest.raises(ParameterError, match="unknown parameters mean"):
        read_strictly(config, EMBEDDER_INPUT.with_parameters)


def test_model_pixels_are_uint8_chw_in_the_models_channel_order():
    rgb = np.arange(2 * 4 * 4 * 3, dtype=np.uint8).reshape(2, 4, 4, 3)
    assert np.array_equal(model_pixels(rgb, "RGB"), rgb.transpose(0, 3, 1, 2))
    bgr = model_pixels(rgb, "BGR")
    assert bgr.dtype == np.uint8 and bgr.flags.c_contiguous and np.array_equal(bgr[:, 0], rgb[..., 2])
