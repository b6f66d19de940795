import pytest

from python_backends.config_parameters import ParameterError
from python_backends.decision import KeyringError, StoreUnavailable, TokenError
from python_backends.errors import BackendError, InternalFault, is_bad_image, triton_answer
from python_backends.imaging import ImageProblem, InvalidImagesError
from python_backends.ort.model_config import ModelConfigError
from python_backends.verify.ensembles import InferenceFailed
from python_backends.verify.request import RequestError
from python_backends.verify.settings import SettingsError
from python_backends.video import VideoProblem


@pytest.mark.parametrize("kind", [ParameterError, KeyringError, StoreUnavailable, TokenError, ImageProblem,
                                  InvalidImagesError, ModelConfigError, InferenceFailed, RequestError,
                                  SettingsError, VideoProblem, InternalFault])
def test_every_server_error_has_one_root(kind):
    assert issubclass(kind, BackendError)


def test_input_faults_are_invalid_arg_and_the_rest_internal():
    assert triton_answer(ValueError("bad shape")).input_fault
    assert triton_answer(ValueError("bad shape")).message == "bad shape"
    assert not triton_answer(InternalFault("RuntimeError: out of memory")).input_fault
    assert not triton_answer(RuntimeError("boom")).input_fault


def test_the_bad_image_mark_travels_from_the_producer_to_verify():
    answer = triton_answer(InvalidImagesError({3: "corrupt or truncated image data"}))
    assert answer.input_fault and answer.message == "IMAGE: image 3: corrupt or truncated image data"
    # Triton's ensemble scheduler may put its own words before the failing step's message.
    assert InferenceFailed("detect", f"in ensemble 'detect', {answer.message}").bad_image
    assert is_bad_image(answer.message)
    assert not InferenceFailed("detect", triton_answer(ValueError("LANDMARKS must be finite")).message).bad_image
    assert not InferenceFailed("detect", "model face_detector is not ready").bad_image


def test_only_tritons_not_ready_refusal_is_retried():
    from python_backends.verify.ensembles import NOT_READY_RETRY_DELAYS_S, is_not_ready

    # Triton 2.51's answer to a BLS call of an ensemble that is being reloaded (measured).
    assert is_not_ready("Model detect - Error when running inference: Failed for execute the inference request. "
                        "Model 'detect' is not ready.")
    assert not is_not_ready("Failed for execute the inference request. Stub process 'verify_0_1' is not healthy.")
    assert not is_not_ready("image 3 cannot be decoded")
    assert sum(NOT_READY_RETRY_DELAYS_S) <= 2.0  # bounded: a model that stays down fails the call soon
