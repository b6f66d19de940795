import pytest

from python_backends.imaging.input_spec import EMBEDDER_INPUT, ModelInputSpec


def test_parameters_override_defaults_under_a_prefix():
    params = {"lmk_input_size": "224", "lmk_mean": "1,2,3", "lmk_channel_order": "bgr", "input_size": "99"}
    spec = EMBEDDER_INPUT.with_parameters(params, "lmk_")
    assert spec == ModelInputSpec(224, (1.0, 2.0, 3.0), EMBEDDER_INPUT.std, "BGR")
    assert EMBEDDER_INPUT.with_parameters({}) == EMBEDDER_INPUT


@pytest.mark.parametrize("params", [{"mean": "1,2"}, {"channel_order": "GRAY"}, {"std": "1,0,1"}])
def test_rejects_bad_parameters(params):
    with pytest.raises(ValueError):
        EMBEDDER_INPUT.with_parameters(params)
