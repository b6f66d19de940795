import json

import pytest

from python_backends.imaging.errors import ImageProblem
from python_backends.imaging.header import ImageHeader
from python_backends.imaging.settings import DecodeSettings


def _args(kind: str, params: dict[str, str]) -> dict[str, str]:
    config = {"max_batch_size": 32, "parameters": {k: {"string_value": v} for k, v in params.items()}}
    return {"model_config": json.dumps(config), "model_instance_kind": kind, "model_instance_device_id": "1"}


def test_check_rejects_too_many_pixels_and_too_small_sides():
    settings = DecodeSettings(max_pixels=100 * 100, min_side=16)
    settings.check(ImageHeader("png", 100, 100))
    with pytest.raises(ImageProblem, match="exceeds"):
        settings.check(ImageHeader("png", 101, 100))
    with pytest.raises(ImageProblem, match="smaller than 16"):
        settings.check(ImageHeader("png", 15, 100))


def test_from_triton_reads_parameters_and_cpu_instance():
    settings = DecodeSettings.from_triton(_args("CPU", {"max_pixels": "1000000", "dali_threads": "3", "min_side": "8"}))
    assert settings == DecodeSettings(max_batch_size=32, num_threads=3, device_id=None,
                                      max_pixels=1_000_000, min_side=8)


def test_from_triton_decodes_on_the_instance_gpu():
    assert DecodeSettings.from_triton(_args("GPU", {})).device_id == 1


def test_from_triton_reads_the_parameters_it_is_given():
    params = {"max_pixels": "500000"}
    assert DecodeSettings.from_triton(_args("CPU", {"max_pixels": "1"}), params).max_pixels == 500_000


def test_the_decoder_is_named_for_the_load_log():
    assert DecodeSettings().decoder == "DALI cpu decoder"
    assert DecodeSettings(device_id=1).decoder == "DALI mixed decoder (nvJPEG) on GPU 1"
