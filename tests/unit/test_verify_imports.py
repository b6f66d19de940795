import subprocess
import sys


def test_the_verify_and_challenge_models_import_without_dali(tmp_path):
    """They decode no image themselves: DALI (and its memory) stays out of their processes until a VIDEO
    is decoded on a GPU (video/gpu_decoder.py loads it then)."""
    (tmp_path / "triton_python_backend_utils.py").write_text("")  # the Python backend's module, outside Triton
    code = ("import sys; import python_backends.verify.triton_verify, python_backends.verify.triton_challenge; "
            "print(sorted(name for name in sys.modules if name.startswith('nvidia.dali')))")
    result = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": str(tmp_path)}, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[]"
