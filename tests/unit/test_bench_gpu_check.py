"""The gpu-check's parts that need no server: reading placement from a server log, the TensorRT repository copy,
a check group that raises, the NVDEC check without a GPU."""

import numpy as np
import pytest

from facegate.bench.gpu_check import (Check, checked, nvdec_check, nvdec_runs_check, nvdec_size_switch_check,
                                      placement_checks, tensorrt_repository)
from facegate.server import Device
from facegate.testdata import encode_clip, moving_frames
from python_backends.gpus import visible_gpu_count

_PROVIDERS = "['CUDAExecutionProvider', 'CPUExecutionProvider']"
_ONNX_LINES = [f'I1129 pb_stub.cc:1] "{model}_0_{i}: model.onnx on GPU device 0, providers {_PROVIDERS}"\n'
               for model in ("face_detector", "face_landmarker", "face_antispoof", "face_embedder") for i in (0, 1)]
_DECODER_LINES = [f'I1129 pb_stub.cc:1] "{model}_0_0: DALI mixed decoder (nvJPEG) on GPU 0"\n'
                  for model in ("detect_preprocess", "liveness_preprocess", "embed_preprocess")]
_GPU_LOG = "".join(_ONNX_LINES + _DECODER_LINES)


def test_every_model_on_the_gpu_passes():
    checks = placement_checks(_GPU_LOG, Device.GPU, tensorrt=False)
    assert len(checks) == 7 and all(check.passed for check in checks)


def test_a_model_left_on_the_cpu_or_missing_fails():
    line = "face_antispoof_0_1: model.onnx on GPU device 0, providers ["
    fallen_back = _GPU_LOG.replace(line + "'CUDAExecutionProvider', ", line)
    failed = [check.name for check in placement_checks(fallen_back, Device.GPU, tensorrt=False) if not check.passed]
    assert failed == ["face_antispoof runs on CUDAExecutionProvider"]
    assert not all(check.passed for check in placement_checks(_GPU_LOG, Device.GPU, tensorrt=True))
    assert not any(check.passed for check in placement_checks(_GPU_LOG, Device.CPU, tensorrt=False))
    no_embed = "".join(line for line in _GPU_LOG.splitlines(keepends=True) if "embed_preprocess" not in line)
    assert [c.detail for c in placement_checks(no_embed, Device.GPU, False) if not c.passed] == ["no load line"]


def test_tensorrt_repository_adds_the_accelerator_to_onnx_models_only(tmp_path):
    source = tmp_path / "source"
    for model, body in (("face_embedder", 'backend: "onnxruntime"\n'), ("embed", 'platform: "ensemble"\n')):
        (source / model / "1").mkdir(parents=True)
        (source / model / "config.pbtxt").write_text(body)
    target = tensorrt_repository(source, tmp_path / "target", tmp_path / "engines")
    onnx_config = (target / "face_embedder" / "config.pbtxt").read_text()
    assert 'name : "tensorrt"' in onnx_config and '"FP16"' in onnx_config and str(tmp_path / "engines") in onnx_config
    assert (target / "embed" / "config.pbtxt").read_text() == 'platform: "ensemble"\n'
    assert (target / "face_embedder" / "1").resolve() == (source / "face_embedder" / "1").resolve()


def test_a_check_group_that_raises_is_one_failed_check_and_the_run_goes_on():
    def broken() -> list[Check]:
        raise RuntimeError("NVDEC: no decoder for this GPU")

    (failed,) = checked("video", broken)
    assert failed == Check("video checks ran", False, "RuntimeError: NVDEC: no decoder for this GPU")
    passing = [Check("a", True, "")]
    assert checked("outputs", lambda: passing) == passing


def test_without_a_gpu_the_nvdec_check_fails_naming_the_decoder_that_did_the_work():
    if visible_gpu_count():
        pytest.skip("a GPU is visible: make gpu-check runs this check for real")
    clip = encode_clip([np.full((48, 64, 3), 10 * i, np.uint8) for i in range(30)], fps=24)
    for check in (nvdec_check(clip), nvdec_runs_check(clip)):
        assert (check.passed, check.detail) == (False, "NVDEC did not decode the clip (ffmpeg did)")


def test_the_nvdec_checks_pass_on_the_code_they_check_run_with_dalis_cpu_variant():
    clip = encode_clip(moving_frames(72, 128, 96), codec="libvpx-vp9", container="webm", fps=24)  # 2.5 MiB of frames
    runs = nvdec_runs_check(clip, run_mb=1, dali_device="cpu")
    assert (runs.passed, runs.detail) == (True, "3 runs, 0 of 72 frames differ")
    assert nvdec_check(clip, dali_device="cpu").passed


def test_the_size_switch_check_passes_on_the_code_it_checks_run_with_dalis_cpu_variant():
    check = nvdec_size_switch_check(dali_device="cpu")
    assert check.passed, check.detail
