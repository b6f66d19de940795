"""Every model_repository/*/config.pbtxt against the Python definitions and the client's limits.

Each Python model's parameters are read by the same function its adapter calls (strict: a misspelt
key fails here as it fails the load). The committed configs override no Python default, so each
setting has one source; the shapes and batch sizes Triton itself needs are checked against Python.
"""

import json
from pathlib import Path

import pytest
from google.protobuf import json_format, text_format
from tritonclient.grpc import model_config_pb2

from facegate.model_build.contracts import CONTRACTS
from facegate_client.validation import Limits
from python_backends.alignment.embed_preprocess import preprocess_settings as embed_preprocess_settings
from python_backends.decision import ChallengePolicy, DecisionConfig
from python_backends.detection import DetectionParams, PriorSpec
from python_backends.detection.faces import postprocess_settings as detect_postprocess_settings
from python_backends.detection.preprocess import preprocess_settings as detect_preprocess_settings
from python_backends.imaging import DecodeSettings
from python_backends.imaging.input_spec import DETECTOR_INPUT, EMBEDDER_INPUT
from python_backends.liveness.postprocess import spoof_model_threshold
from python_backends.liveness.placement import LivenessCrops
from python_backends.liveness.preprocess import preprocess_settings as liveness_preprocess_settings
from python_backends.liveness.spoof import MODEL_THRESHOLD
from python_backends.ort.model_config import parse_model_config
from python_backends.verify.ensembles import ENSEMBLE_MAX_BATCH
from python_backends.verify.parameters import VerifyParameters, challenge_policy
from python_backends.video import VideoSettings

REPOSITORY = Path(__file__).resolve().parents[2] / "model_repository"


def _config(name: str) -> dict:
    """The config as the Python backend hands it to `initialize` (JSON of the ModelConfig message)."""
    message = text_format.Parse((REPOSITORY / name / "config.pbtxt").read_text(), model_config_pb2.ModelConfig())
    return json_format.MessageToDict(message, preserving_proto_field_name=True)


def _args(name: str) -> dict[str, str]:
    return {"model_config": json.dumps(_config(name)), "model_instance_kind": "CPU", "model_instance_device_id": "0"}


CONFIGS = {path.parent.name: _config(path.parent.name) for path in sorted(REPOSITORY.glob("*/config.pbtxt"))}
ONNX_MODELS = sorted(name for name, config in CONFIGS.items() if config.get("backend") == "onnxruntime")
ENSEMBLES = sorted(name for name, config in CONFIGS.items() if config.get("platform") == "ensemble")
PYTHON_MODELS = sorted(name for name, config in CONFIGS.items() if config.get("backend") == "python")


def test_every_model_is_one_of_the_three_kinds():
    assert set(CONFIGS) == set(ONNX_MODELS) | set(ENSEMBLES) | set(PYTHON_MODELS)
    assert set(ONNX_MODELS) == set(CONTRACTS)


def test_preprocessing_configs_repeat_the_python_input_specs():
    for name, spec in (("detect_preprocess", DETECTOR_INPUT), ("embed_preprocess", EMBEDDER_INPUT)):
        read_spec, settings = {"detect_preprocess": detect_preprocess_settings,
                               "embed_preprocess": embed_preprocess_settings}[name](_args(name))
        assert read_spec == spec, name
        assert (settings.max_pixels, settings.min_side) == (DecodeSettings.max_pixels, DecodeSettings.min_side), name
    crops, settings = liveness_preprocess_settings(_args("liveness_preprocess"))
    assert crops == LivenessCrops()
    assert (settings.max_pixels, settings.min_side) == (DecodeSettings.max_pixels, DecodeSettings.min_side)


def test_postprocessing_configs_repeat_the_python_thresholds():
    assert detect_postprocess_settings(CONFIGS["detect_postprocess"]) == (DetectionParams(), PriorSpec())
    assert spoof_model_threshold(CONFIGS["liveness_postprocess"]) == MODEL_THRESHOLD


def test_verify_and_challenge_configs_keep_the_python_defaults():
    parameters = VerifyParameters.from_config(CONFIGS["verify"])
    assert (parameters.decision, parameters.video) == (DecisionConfig(), VideoSettings())
    assert challenge_policy(CONFIGS["challenge"], False) == ChallengePolicy()


def test_onnx_model_configs_parse_strictly():
    for name in ONNX_MODELS:
        assert parse_model_config(CONFIGS[name]).name == name


@pytest.mark.parametrize("name", [n for n in CONFIGS if n not in ("verify", "challenge")])
def test_every_image_model_takes_an_ensemble_batch(name):
    assert int(CONFIGS[name]["max_batch_size"]) == ENSEMBLE_MAX_BATCH


def test_verify_never_sends_an_ensemble_more_than_its_batch():
    video = VideoSettings()
    assert max(DecisionConfig().max_frames, video.selected_frames, video.screen_batch) <= ENSEMBLE_MAX_BATCH


def test_the_decoders_hold_images_to_verify_s_limits():
    decision = DecisionConfig()
    assert (DecodeSettings.max_pixels, DecodeSettings.min_side) == (decision.max_image_pixels,
                                                                   decision.min_image_side_px)


def test_the_client_limits_are_the_server_limits():
    decision, limits = DecisionConfig(), Limits()
    assert (limits.max_image_bytes, limits.min_frames, limits.max_frames) == (
        decision.max_image_bytes, decision.min_frames, decision.max_frames)
    assert limits.max_video_bytes == VideoSettings().max_bytes
